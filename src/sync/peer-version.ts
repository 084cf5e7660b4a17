/**
 * The version we announce in `pragma client-version` / `pragma server-version`. Peers use it to
 * decide what they may send (SHA3 artifacts need >= 20000, private igots a date >= 20200413, and
 * versions >= 22700 would move the login into a cookie), so we announce the 2.21 whose protocol
 * we speak.
 */
export const ANNOUNCED_VERSION = 22100;
export const ANNOUNCED_DATE = 20230226;
export const ANNOUNCED_TIME = 192424;

export const VERSION_ARGS = [String(ANNOUNCED_VERSION), String(ANNOUNCED_DATE), String(ANNOUNCED_TIME)] as const;
