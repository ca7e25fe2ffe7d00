import type { CallRecord } from '@/lib/history';
import { t } from '@/lib/i18n';
import { formatClock, formatWhen } from '../format';
import { Icon } from '../icons';
import { outcomeText, recentCallName } from '../words';

interface Props {
  record: CallRecord;
  /** A missed call this visit is the first to show. */
  isNew: boolean;
  now: number;
  onCallBack: (record: CallRecord) => void;
}

/**
 * One recent call: who, which way, voice or video, when, how it went, and a call-back button.
 * Screen readers get the row as one sentence (its accessible name) instead of icons and fragments.
 */
export function RecentCallRow({ record, isNew, now, onCallBack }: Props) {
  const { handle, direction, kind, outcome, durationMs, count = 1 } = record;
  const result = outcome === 'answered' && durationMs !== undefined ? formatClock(durationMs) : outcomeText(outcome);
  return (
    <li
      class={`recent-call ${outcome}${isNew ? ' new' : ''}`}
      data-testid="birdcall-recent-call"
      data-handle={handle}
      data-direction={direction}
      data-kind={kind}
      data-outcome={outcome}
      data-count={count}
      data-verified={String(record.verified)}
      aria-label={recentCallName(record, isNew, now)}
    >
      <span class="direction" aria-hidden="true" title={t(direction === 'incoming' ? 'incoming' : 'outgoing')}>
        <Icon name={direction} size={16} />
      </span>
      <span class="who" aria-hidden="true">
        <span class="handle">
          <bdi>@{handle}</bdi>
          {count > 1 && <span class="count"> ({count})</span>}
          {!record.verified && <span class="badge unverified"> {t('unverified')}</span>}
          {isNew && <span class="new-dot" />}
        </span>
        <span class="details">
          <Icon name={kind === 'video' ? 'video' : 'phone'} size={14} />
          {t(kind === 'video' ? 'kindVideo' : 'kindVoice')} · <span class="result">{result}</span> ·{' '}
          <time dateTime={new Date(record.startedAt).toISOString()}>{formatWhen(record.startedAt, now)}</time>
        </span>
      </span>
      <button
        type="button"
        class="call-back"
        data-testid="birdcall-call-back"
        aria-label={t('callHandleBack', handle)}
        title={t('callHandleBack', handle)}
        onClick={() => onCallBack(record)}
      >
        <Icon name={kind === 'video' ? 'video' : 'phone'} />
      </button>
    </li>
  );
}
