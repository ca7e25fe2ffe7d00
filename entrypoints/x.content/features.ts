/** Every surface of the content script, in the order they start. */
import { chatHeader } from './chat-header';
import type { Feature } from './feature';
import { hoverCard } from './hover-card';
import { postMenu } from './post-menu';
import { profileHeader } from './profile-header';
import { createSignedInUser } from './signed-in-user';

export function createFeatures(): Feature[] {
  return [createSignedInUser(), profileHeader, hoverCard, chatHeader, postMenu];
}
