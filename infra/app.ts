/**
 * CDK entry (`cdk.json`: `npx tsx infra/app.ts`). Environment-agnostic on purpose: no account or
 * region lookups, so `npx cdk synth` works offline; `cdk deploy` fills them from the profile.
 */
import { App } from 'aws-cdk-lib';
import { type CartRecoverySettings, SettingsError, settingsFromContext } from './settings.ts';
import { CartRecoveryStack } from './stack.ts';

const app = new App();
let settings: CartRecoverySettings;
try {
  settings = settingsFromContext((key) => app.node.tryGetContext(key));
} catch (error) {
  // A settings mistake is the deployer's to fix: say what, not where in infra/ it was noticed.
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
new CartRecoveryStack(app, 'CartRecoveryStack', {
  settings,
  description: 'cart-recovery: abandoned-cart reminders on Lambda, DynamoDB, Scheduler and SES',
});
app.synth();
