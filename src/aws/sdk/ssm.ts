// The parts of @aws-sdk/client-ssm that src/aws uses, by name, in one list: the build
// (scripts/build.mjs, sdk-by-module) takes each name from the one module of the package that defines it, not
// through the package's index, which would bring and run every operation of the service (test/unit/startup.test.ts).
export {
  DeleteParametersCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
