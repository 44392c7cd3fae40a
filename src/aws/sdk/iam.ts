// The parts of @aws-sdk/client-iam that src/aws uses, by name: importing them so (not through the package's
// index, which re-exports every operation) lets the build leave the other operations' code out.
export {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
