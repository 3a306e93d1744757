import { ConsoleCore, type CoreOptions } from './console-core';
import { FleetFeature } from '../fleet/fleet-feature';
import { AlertsFeature } from '../alerts/alerts-feature';

export interface ConsoleFeatures {
  fleet: FleetFeature;
  alerts: AlertsFeature;
}

/** The composition root shared by both hosts: the core and every feature wired into it. */
export function createConsole(opts: CoreOptions): { core: ConsoleCore; features: ConsoleFeatures } {
  const core = new ConsoleCore(opts);
  const alerts = new AlertsFeature(core);
  const fleet = new FleetFeature(core, alerts);
  core.addFeature(alerts);
  core.addFeature(fleet);
  return { core, features: { fleet, alerts } };
}
