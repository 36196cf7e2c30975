import { createKairosApp } from '../lib/kairos-app.js';

// The CDK CLI (`cdk synth`, see cdk.json) runs this file; the app synthesizes itself when the process exits.
createKairosApp();
