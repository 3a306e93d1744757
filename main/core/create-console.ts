import { ConsoleCore, type CoreOptions } from './console-core';
import { FleetFeature } from '../fleet/fleet-feature';
import { AlertsFeature } from '../alerts/alerts-feature';
import { NotifyFeature } from '../notify/notify-feature';
import { SettingsService } from '../settings/settings-service';
import { LogsFeature } from '../logs/logs-feature';
import { IncidentsFeature } from '../incidents/incidents-feature';
import { createEnvSecretStore, type SecretStore } from '../settings/secret-store';

export interface ConsoleFeatures {
  fleet: FleetFeature;
  alerts: AlertsFeature;
  notify: NotifyFeature;
  settings: SettingsService;
  logs: LogsFeature;
  incidents: IncidentsFeature;
}

/** The composition root shared by both hosts: the core and every feature wired into it. */
export function createConsole(opts: CoreOptions & { secrets?: SecretStore }): { core: ConsoleCore; features: ConsoleFeatures } {
  const core = new ConsoleCore(opts);
  // Settings first: saved edits replace the config before any feature reads it.
  const settings = new SettingsService(core, { secrets: opts.secrets ?? (opts.host.kind === 'browser' ? createEnvSecretStore() : undefined) });
  const alerts = new AlertsFeature(core);
  const fleet = new FleetFeature(core, alerts);
  core.addFeature(alerts);
  core.addFeature(fleet);
  const notify = new NotifyFeature(core, alerts);
  core.addFeature(notify);
  core.addFeature(settings);
  const logs = new LogsFeature(core);
  core.addFeature(logs);
  const incidents = new IncidentsFeature(core, alerts);
  core.addFeature(incidents);
  return { core, features: { fleet, alerts, notify, settings, logs, incidents } };
}
