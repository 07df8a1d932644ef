/** The purpose signed into unsubscribe tokens; the subject is the internal customer id. */
export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';
