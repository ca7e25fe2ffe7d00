import { t, type MessageKey } from '@/lib/i18n';
import type { StoredLayoutIssue } from '@/lib/store';

interface Props {
  issues: readonly StoredLayoutIssue[] | undefined;
  onDismiss: () => void;
}

const NOTICE: Record<StoredLayoutIssue['surface'], MessageKey> = {
  profile: 'layoutProfile',
  hovercard: 'layoutHovercard',
  chat: 'layoutChat',
  postmenu: 'layoutPostMenu',
};
const SHOWN_PATHS = 3;

/**
 * Says so when the content script could not find where its buttons go (X changed its markup),
 * instead of failing silently. Dismissing forgets the reports; a new one shows it again.
 */
export function LayoutNotice({ issues, onDismiss }: Props) {
  const latest = issues?.[0];
  if (!latest) return null;
  const paths = [...new Set(issues.filter((issue) => issue.surface === latest.surface).map((issue) => issue.path))];
  return (
    <section class="layout-notice" data-testid="birdcall-layout-notice" data-surface={latest.surface} role="status">
      <p>{t(NOTICE[latest.surface])}</p>
      <p class="layout-notice-detail">
        {paths.length > SHOWN_PATHS
          ? t('layoutSeenOnMore', paths.slice(0, SHOWN_PATHS).join(', '), String(paths.length - SHOWN_PATHS))
          : t('layoutSeenOn', paths.join(', '))}
      </p>
      <button type="button" class="pill" data-testid="birdcall-layout-dismiss" onClick={onDismiss}>
        {t('dismiss')}
      </button>
    </section>
  );
}
