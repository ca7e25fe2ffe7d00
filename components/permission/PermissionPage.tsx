/** Why Birdcall needs the camera and microphone: how to unblock them when they are blocked, else the one button that asks for them. */
import { useEffect, useRef } from 'preact/hooks';
import { t } from '@/lib/i18n';
import { openSiteSettings } from '../browser-media';
import { useViewModel } from '../view-model';
import { createPermissionViewModel } from './permission-view-model';

export function PermissionPage() {
  const vm = useViewModel(createPermissionViewModel);
  const phase = vm.phase.value;
  const canAsk = phase === 'prompt' || phase === 'unsure' || phase === 'denied' || phase === 'error';
  // After the browser answered, focus goes to what it said (the button it came from may be gone), not to the page.
  const state = useRef<HTMLParagraphElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current && phase !== 'asking') state.current?.focus();
  }, [phase]);
  const allow = () => {
    asked.current = true;
    void vm.allow();
  };
  return (
    <main class="permission">
      <h1>{t('permissionTitle')}</h1>
      <p>{t('permissionWhy')}</p>
      <p class="permission-state" data-testid="birdcall-permission-state" data-state={phase} role="status" tabIndex={-1} ref={state}>
        {phase === 'asking' ? t('permissionAsking') : vm.message.value}
      </p>
      {phase === 'blocked' && (
        <div class="unblock" data-testid="birdcall-unblock">
          <p>{t('permissionHowToUnblock')}</p>
          {!import.meta.env.FIREFOX && (
            <button type="button" class="pill" data-testid="birdcall-site-settings" onClick={() => void openSiteSettings()}>
              {t('permissionOpenSettings')}
            </button>
          )}
        </div>
      )}
      {import.meta.env.FIREFOX && (canAsk || phase === 'asking') && (
        // Firefox's grant reaches Birdcall's pinned tab, where calls run, only when remembered.
        <p data-testid="birdcall-remember-hint">{t('permissionRememberFirefox')}</p>
      )}
      {canAsk && (
        <button type="button" class="pill primary" data-testid="birdcall-allow-media" onClick={allow}>
          {t('permissionAllow')}
        </button>
      )}
    </main>
  );
}
