import { Option } from 'commander';
import { defaultText, settingValue } from '../../settings.js';

/** `--chains-dir DIR`, its default taken from the settings table. */
export function chainsDirOption(): Option {
  return new Option(
    '--chains-dir <DIR>',
    `folder of the chain files (default: ${defaultText('chainsDir')})`,
  );
}

/** The chains folder a command uses: `--chains-dir`, else DFCHAIN_CHAINS_DIR, else dag. */
export function chainsDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? settingValue('chainsDir', env) ?? 'dag';
}

/** `--topic T`, its default taken from the settings table. */
export function topicOption(): Option {
  return new Option(
    '--topic <T>',
    `Pub/Sub topic to publish on (default: ${defaultText('topic')})`,
  );
}

/** `--json`: machine-readable output (never coloured). */
export function jsonOption(what: string): Option {
  return new Option('--json', what);
}
