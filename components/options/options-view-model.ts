/** The options page's view model: Birdcall's service URL being edited, its validation, and saving it; "Always relay calls". */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { say, t } from '@/lib/i18n';
import { parseSignalUrl } from '@/lib/signal-config';
import { alwaysRelay, signalStatus, signalUrlOverride } from '@/lib/store';
import { sendToBackground } from '../background';
import { storedSignal, type Stored } from '../stored';
import type { Scope } from '../view-model';
import type { SignalState } from '../words';

interface OptionsViewModel {
  /** The build's server, used while no override is saved. */
  readonly defaultUrl: string;
  /** What the field shows: the person's edit, else the URL in use; undefined until storage answered. */
  readonly text: ReadonlySignal<string | undefined>;
  readonly error: ReadonlySignal<string | null>;
  readonly canSave: ReadonlySignal<boolean>;
  readonly usingDefault: ReadonlySignal<boolean>;
  readonly notice: ReadonlySignal<string | null>;
  readonly signal: Stored<SignalState>;
  readonly alwaysRelay: Stored<boolean>;
  /** Stored at once; every call from then on reads it as it starts. */
  setAlwaysRelay(on: boolean): Promise<void>;
  edit(text: string): void;
  save(): Promise<void>;
  useDefault(): Promise<void>;
}

export function createOptionsViewModel(scope: Scope): OptionsViewModel {
  const defaultUrl = __BIRDCALL_SIGNAL_URL__;
  const override = storedSignal(scope, signalUrlOverride);
  const draft = signal<string | null>(null);
  const notice = signal<string | null>(null);

  const inUse = computed(() => (override.value === undefined ? undefined : (override.value ?? defaultUrl)));
  const text = computed(() => draft.value ?? inUse.value);
  const error = computed(() => {
    if (text.value === undefined) return null;
    const parsed = parseSignalUrl(text.value);
    return parsed.ok ? null : say(parsed.error);
  });

  /** Stores the choice, then has the background reconnect to it. */
  const apply = async (url: string | null) => {
    await signalUrlOverride.setValue(url);
    draft.value = null;
    const reply = await sendToBackground({ to: 'background', type: 'signal-url-changed' });
    notice.value = reply.ok ? t('savedReconnecting') : t('savedNotReconnected', reply.error);
  };

  return {
    defaultUrl,
    text,
    error,
    canSave: computed(() => draft.value !== null && error.value === null && draft.value.trim() !== inUse.value),
    usingDefault: computed(() => override.value === null),
    notice,
    signal: storedSignal(scope, signalStatus),
    alwaysRelay: storedSignal(scope, alwaysRelay),
    setAlwaysRelay: (on) => alwaysRelay.setValue(on),
    edit(value) {
      draft.value = value;
      notice.value = null;
    },
    async save() {
      const url = draft.value?.trim();
      if (!url || error.value) return;
      // Saving the default itself is choosing the default: later builds may move it.
      await apply(url === defaultUrl ? null : url);
    },
    useDefault: () => apply(null),
  };
}
