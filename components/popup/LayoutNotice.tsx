import type { StoredLayoutIssue } from '@/lib/store';

interface Props {
  issues: readonly StoredLayoutIssue[] | undefined;
  onDismiss: () => void;
}

const WHERE: Record<StoredLayoutIssue['surface'], string> = {
  profile: "X's profile page",
  hovercard: "X's hover cards",
  chat: "X's chat header",
  postmenu: "X's post menu",
};

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
      <p>Birdcall could not find where to put its buttons on {WHERE[latest.surface]}; X may have changed its layout.</p>
      <p class="layout-notice-detail">
        Seen on {paths.slice(0, 3).join(', ')}
        {paths.length > 3 ? ` and ${paths.length - 3} more` : ''}.
      </p>
      <button type="button" class="pill" data-testid="birdcall-layout-dismiss" onClick={onDismiss}>
        Dismiss
      </button>
    </section>
  );
}
