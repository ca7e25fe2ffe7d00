/** The surface fixtures written to tests/fixtures/x (x-pages.test.ts keeps them in sync with the builders). */
import { chatPage, chatPinPage, hoverCardPage, missingProfilePage, postMenuHtml, profilePage, appPage, timelineHtml } from '../../fixtures/x-pages';
import type { Handle } from '@/lib/handle';

export const GENERATED: Record<string, { what: string; html: () => string }> = {
  'profile-redesign.html': {
    what: "another user's redesigned profile header (viewer alice, profile bob, light)",
    html: () => profilePage({ viewer: 'alice', profile: 'bob', header: 'redesign' }),
  },
  'profile-narrow.html': {
    what: "another user's profile in the narrow/mobile layout (viewer alice, profile bob, light)",
    html: () => profilePage({ viewer: 'alice', profile: 'bob', layout: 'narrow' }),
  },
  'profile-missing.html': {
    what: 'a profile route whose account does not exist (viewer alice, profile nobody)',
    html: () => missingProfilePage({ viewer: 'alice', profile: 'nobody' }),
  },
  'hovercard-loading.html': {
    what: 'a hover card as it first shows, still loading (viewer alice, person bob)',
    html: () => hoverCardPage({ viewer: 'alice', person: 'bob', filled: false }),
  },
  'hovercard.html': {
    what: 'a filled-in hover card (viewer alice, person bob, Lights out)',
    html: () => hoverCardPage({ viewer: 'alice', person: 'bob', theme: 'dark' }),
  },
  'chat-one-to-one.html': {
    what: 'X Chat, a one-to-one conversation (viewer alice, with bob, Arabic, right-to-left)',
    html: () => chatPage({ viewer: 'alice', with: ['bob'], lang: 'ar' }),
  },
  'chat-group.html': {
    what: 'X Chat, a group conversation (viewer alice, with bob and carol)',
    html: () => chatPage({ viewer: 'alice', with: ['bob', 'carol'] }),
  },
  'chat-pin.html': {
    what: "X Chat's passcode screen at /i/chat/pin (viewer alice)",
    html: () => chatPinPage('alice'),
  },
  'post-menu.html': {
    what: "a post's open ... menu (viewer alice, author bob, Lights out high contrast)",
    html: () =>
      appPage({
        title: 'Bob (@bob) / X',
        theme: 'contrast',
        viewer: 'alice' as Handle,
        primaryColumn: timelineHtml('bob' as Handle),
        layers: postMenuHtml({ author: 'bob' }),
      }),
  },
};
