// The parts of @aws-sdk/client-ssm that src/aws uses, by name: importing them so (not through the package's
// index, which re-exports every operation) lets the build leave the other operations' code out.
export {
  DeleteParametersCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
