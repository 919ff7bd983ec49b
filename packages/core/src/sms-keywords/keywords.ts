/**
 * The SMS keywords carriers and the CTIA expect every sender to honour, and how an inbound
 * text is matched against them: the whole message, trimmed, in any letter case. "Stop" is a
 * keyword; "please stop texting me" is not (carriers match the same way, and a sentence that
 * merely contains the word is often not an opt-out: "don't stop").
 */

/** What a keyword asks for. */
export type KeywordAction = 'stop' | 'start' | 'help';

/** The keywords, upper case, and what each asks for. */
export const SMS_KEYWORDS: Readonly<Record<string, KeywordAction>> = Object.freeze({
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  REVOKE: 'stop',
  OPTOUT: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
});

/** A matched keyword (upper case, as listed) and its action. */
export interface MatchedKeyword {
  keyword: string;
  action: KeywordAction;
}

/** The keyword an inbound text is, or `null` when it is any other text. */
export function matchKeyword(body: string): MatchedKeyword | null {
  const keyword = body.trim().toUpperCase();
  const action = Object.hasOwn(SMS_KEYWORDS, keyword) ? SMS_KEYWORDS[keyword] : undefined;
  return action === undefined ? null : { keyword, action };
}
