/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). Environment-agnostic on purpose: no account or
 * region lookups, so `npx cdk synth` works offline; `cdk deploy` fills them from the profile.
 */
import { App } from 'aws-cdk-lib';
import { settingsFromContext } from './settings.ts';
import { CartRecoveryStack } from './stack.ts';

const app = new App();
const settings = settingsFromContext((key) => app.node.tryGetContext(key));
new CartRecoveryStack(app, 'CartRecoveryStack', {
  settings,
  description: 'cart-recovery: abandoned-cart reminders on Lambda, DynamoDB, Scheduler and SES',
});
app.synth();
