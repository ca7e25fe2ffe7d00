/** Options: which Birdcall service rings the people you call and checks who they are. */
import { t } from '@/lib/i18n';
import { useViewModel } from '../view-model';
import { signalStatusText } from '../words';
import { createOptionsViewModel } from './options-view-model';

export function OptionsPage() {
  const vm = useViewModel(createOptionsViewModel);
  const text = vm.text.value;
  const signal = vm.signal.value;
  if (text === undefined) return null;
  const error = vm.error.value;
  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      <form
        class="server"
        onSubmit={(event) => {
          event.preventDefault();
          void vm.save();
        }}
      >
        <label for="signal-url">{t('serviceLabel')}</label>
        <p class="hint" id="signal-url-hint">
          {t('serviceHint', vm.defaultUrl)}
        </p>
        <input
          id="signal-url"
          data-testid="birdcall-signal-url"
          type="url"
          dir="ltr"
          spellcheck={false}
          value={text}
          aria-invalid={error !== null}
          aria-describedby={error ? 'signal-url-hint signal-url-error' : 'signal-url-hint'}
          onInput={(event) => vm.edit(event.currentTarget.value)}
        />
        {error && (
          <p class="field-error" id="signal-url-error" data-testid="birdcall-signal-url-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="pill primary" data-testid="birdcall-save" disabled={!vm.canSave.value}>
            {t('save')}
          </button>
          {!vm.usingDefault.value && (
            <button type="button" class="pill" data-testid="birdcall-use-default" onClick={() => void vm.useDefault()}>
              {t('useDefault')}
            </button>
          )}
        </div>
        {vm.notice.value && (
          <p class="notice" role="status">
            {vm.notice.value}
          </p>
        )}
      </form>
      <label class="relay">
        <input
          type="checkbox"
          data-testid="birdcall-always-relay"
          checked={vm.alwaysRelay.value ?? false}
          disabled={vm.alwaysRelay.value === undefined}
          onChange={(event) => void vm.setAlwaysRelay(event.currentTarget.checked)}
        />
        <span>
          <strong>{t('alwaysRelay')}</strong>
          <span class="hint"> {t('alwaysRelayHint')}</span>
        </span>
      </label>
      {signal && (
        <p class="signal" data-testid="birdcall-signal-status" data-status={signal.status}>
          <span class={`dot ${signal.status}`} aria-hidden="true" />
          {signalStatusText(signal)}
        </p>
      )}
    </main>
  );
}
