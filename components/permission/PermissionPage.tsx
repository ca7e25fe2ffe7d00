/** Why Birdcall needs the camera and microphone, and the one button that asks for them. */
import { t } from '@/lib/i18n';
import { useViewModel } from '../view-model';
import { createPermissionViewModel } from './permission-view-model';

export function PermissionPage() {
  const vm = useViewModel(createPermissionViewModel);
  const phase = vm.phase.value;
  const canAsk = phase === 'prompt' || phase === 'denied' || phase === 'error';
  return (
    <main class="permission">
      <h1>{t('permissionTitle')}</h1>
      <p>{t('permissionWhy')}</p>
      {canAsk && (
        <button type="button" class="pill primary" data-testid="birdcall-allow-media" onClick={() => void vm.allow()}>
          {t('permissionAllow')}
        </button>
      )}
      <p class="permission-state" data-testid="birdcall-permission-state" data-state={phase} role="status">
        {phase === 'asking' ? t('permissionAsking') : vm.message.value}
      </p>
    </main>
  );
}
