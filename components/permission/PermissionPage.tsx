/** Why Birdcall needs the camera and microphone, and the one button that asks for them. */
import { useViewModel } from '../view-model';
import { createPermissionViewModel } from './permission-view-model';

export function PermissionPage() {
  const vm = useViewModel(createPermissionViewModel);
  const phase = vm.phase.value;
  const canAsk = phase === 'prompt' || phase === 'denied' || phase === 'error';
  return (
    <main class="permission">
      <h1>Camera and microphone</h1>
      <p>Birdcall needs your camera and microphone so the people you call can see and hear you. Birdcall only uses them during a call.</p>
      {canAsk && (
        <button type="button" class="pill primary" data-testid="birdcall-allow-media" onClick={() => void vm.allow()}>
          Allow camera and microphone
        </button>
      )}
      <p class="permission-state" data-testid="birdcall-permission-state" data-state={phase} role="status">
        {phase === 'asking' ? 'Waiting for your answer in the browser prompt…' : vm.message.value}
      </p>
    </main>
  );
}
