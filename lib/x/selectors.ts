/**
 * Every CSS selector Birdcall uses on x.com, in one place. Each anchor lists fallbacks in order of
 * preference: X changes its markup often, so the first selector that matches wins and the rest
 * keep things working through a redesign. See ../shared/notes/x-dom.md for where each comes from.
 */
export const selectors = {
  /** X's app root; server-rendered logged-out pages have none. */
  appRoot: ['#react-root'],
  primaryColumn: ['[data-testid="primaryColumn"]', 'main[role="main"]'],
  /** Elements whose href or avatar test id names the signed-in user. */
  signedInUser: [
    'a[data-testid="AppTabBar_Profile_Link"]',
    '[data-testid="SideNav_AccountSwitcher_Button"] [data-testid^="UserAvatar-Container-"]',
    '[data-testid="DashButton_ProfileIcon_Link"]',
  ],
  /** The header's "More" menu button; its parent is the action row. */
  profileMoreButton: ['button[data-testid="userActions"][aria-haspopup="menu"]', 'button[data-testid="userActions"]'],
  profileUserName: ['[data-testid="UserName"]'],
  /** Looked up inside the action row only. */
  messageButton: ['[data-testid="sendDMFromProfile"]'],
  /** Looked up inside the action row only: placementTracking also marks promoted posts. */
  followButton: [
    '[data-testid="placementTracking"]',
    '[data-testid$="-follow"]',
    '[data-testid$="-unfollow"]',
  ],
  editProfile: ['a[href="/settings/profile"]', '[data-testid="editProfileButton"]'],
  /** Posts, user cells and timeline cells: matches inside them are never the profile header. */
  listItem: ['article', '[data-testid="UserCell"]', '[data-testid="cellInnerDiv"]'],
} as const satisfies Record<string, readonly string[]>;

export type SelectorName = keyof typeof selectors;
