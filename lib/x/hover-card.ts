/** Finding the person in X's hover cards (under #layers) and where their call buttons go. */
import type { Handle } from '../handle';
import { handleOfElement, handleOfPeopleLink, queryAll, queryFirst } from './dom';

interface HoverCardSlot {
  card: Element;
  parent: Element;
  before: Element | null;
  handle: Handle;
}

/** The person a hover card is about, or null while it is still loading (it fills in ~0.5 s late). */
export function hoverCardHandle(card: Element): Handle | null {
  for (const element of queryAll(card, 'hoverCardPerson')) {
    const handle = element.hasAttribute('href') ? handleOfPeopleLink(element) : handleOfElement(element);
    if (handle) return handle;
  }
  return null;
}

/**
 * One slot per filled-in hover card: before the Follow button (by meaning, as on the profile
 * header), or after the avatar when the card has no Follow button.
 */
export function hoverCardSlots(doc: Document): HoverCardSlot[] {
  const slots: HoverCardSlot[] = [];
  // Cards live under #layers: looking there only keeps this cheap on a long timeline.
  const layers = queryFirst(doc, 'layers');
  if (!layers) return slots;
  for (const card of queryAll(layers, 'hoverCard')) {
    const handle = hoverCardHandle(card);
    if (!handle) continue;
    const follow = queryFirst(card, 'followButton');
    if (follow?.parentElement) {
      const anchor = follow.closest('[data-testid="placementTracking"]') ?? follow;
      if (anchor.parentElement && card.contains(anchor.parentElement)) {
        slots.push({ card, parent: anchor.parentElement, before: anchor, handle });
        continue;
      }
    }
    const avatar = queryFirst(card, 'hoverCardPerson');
    const avatarBlock = avatar?.closest('a') ?? avatar;
    if (avatarBlock?.parentElement && card.contains(avatarBlock.parentElement)) {
      slots.push({ card, parent: avatarBlock.parentElement, before: avatarBlock.nextElementSibling, handle });
    }
  }
  return slots;
}
