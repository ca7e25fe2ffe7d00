/**
 * Every CSS selector Birdcall uses on x.com, in one place. Each anchor lists fallbacks in order of
 * preference: X changes its markup often, so the first selector that matches wins and the rest
 * keep things working through a redesign (they follow what extensions that work on x.com today
 * read). tests/unit/content/selectors.test.ts checks that every selector here is met by a fixture.
 */
export const selectors = {
  /** X's app root; server-rendered logged-out pages have none (its absence is the signal, so no fallback). */
  appRoot: ['#react-root'],
  /** The main column; the narrow layout is matched by the `main` fallback. */
  primaryColumn: ['[data-testid="primaryColumn"]', 'main[role="main"]'],
  /**
   * Where X puts hover cards, menus and its other overlays. A container to watch, not an anchor:
   * if X dropped it, the whole app would be watched instead, so no made-up fallback.
   */
  layers: ['#layers'],
  /** The navigation bars, where the signed-in user is shown: side navigation (wide), top bar (narrow). */
  navigation: ['header[role="banner"]', '[data-testid="TopNavBar"]'],
  /** Elements whose href or avatar test id names the signed-in user. */
  signedInUser: [
    'a[data-testid="AppTabBar_Profile_Link"]',
    '[data-testid="SideNav_AccountSwitcher_Button"] [data-testid^="UserAvatar-Container-"]',
    '[data-testid="DashButton_ProfileIcon_Link"]',
  ],
  /** The header's "More" menu button; its parent is the action row (the redesign drops aria-haspopup). */
  profileMoreButton: ['button[data-testid="userActions"][aria-haspopup="menu"]', 'button[data-testid="userActions"]'],
  /**
   * The header's name block with the `@handle`: only a guard against a header that still shows the
   * previous profile (buttons are placed by the row anchors without it), so no made-up fallback.
   */
  profileUserName: ['[data-testid="UserName"]'],
  /** The Message button; in the redesign it links to the chat with the person. */
  messageButton: ['[data-testid="sendDMFromProfile"]', 'a[href^="/i/chat/"][role="button"]'],
  /** Looked up inside the action row only: placementTracking also marks promoted posts. */
  followButton: ['[data-testid="placementTracking"]', '[data-testid$="-follow"]', '[data-testid$="-unfollow"]'],
  editProfile: ['a[href="/settings/profile"]', '[data-testid="editProfileButton"]'],
  /** A profile that does not exist or is suspended: no action row is expected. */
  profileEmptyState: ['[data-testid="emptyState"]', '[data-testid="error-detail"]'],
  /** Posts, user cells and timeline cells: matches inside them are never the profile header. */
  listItem: ['article', '[data-testid="UserCell"]', '[data-testid="cellInnerDiv"]'],

  /** Hover cards over a name or avatar; they fill in after ~0.5 s. */
  hoverCard: ['#layers [data-testid="HoverCard"]', '#layers [data-testid="hoverCardParent"]'],
  /** Inside a hover card: what names its person (avatar test id, then the Following/Followers links). */
  hoverCardPerson: ['[data-testid^="UserAvatar-Container-"]', 'a[href$="/following"]', 'a[href$="/verified_followers"]', 'a[href$="/followers"]'],

  /** X Chat's conversation header (/i/chat/...). */
  chatHeader: ['[data-testid="dm-conversation-header"]', '[data-testid="dm-conversation-panel"] header'],
  /** Inside the chat header: who the conversation is with (one of them in a one-to-one chat). */
  chatPerson: ['[data-testid^="UserAvatar-Container-"]', 'a[href][role="link"]'],

  /** A post, its "..." button and its author. */
  post: ['article[data-testid="tweet"]', 'article[role="article"]'],
  postCaret: ['[data-testid="caret"]', 'button[aria-haspopup="menu"]'],
  postAuthor: ['[data-testid="User-Name"] a[href]', '[data-testid="Tweet-User-Avatar"] [data-testid^="UserAvatar-Container-"]'],
  /** The open dropdown menu (a post's "..." menu once it was opened from a caret). */
  openMenu: ['#layers [data-testid="Dropdown"]', '#layers [role="menu"]'],
} as const satisfies Record<string, readonly string[]>;

export type SelectorName = keyof typeof selectors;
