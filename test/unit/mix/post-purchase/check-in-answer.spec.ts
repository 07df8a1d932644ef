import {
  parseCheckInAnswer,
  preselectedAnswer,
} from '../../../../src/mix/post-purchase/check-in-answer';

describe('check-in answers', () => {
  describe('a JSON body', () => {
    it.each([
      [{ answer: 'good' }, { answer: 'good', comment: null }],
      [
        { answer: 'problem', comment: '  Broken hinge \n' },
        { answer: 'problem', comment: 'Broken hinge' },
      ],
      [
        { answer: 'problem', comment: '   ' },
        { answer: 'problem', comment: null },
      ],
      [
        { answer: 'good', comment: null },
        { answer: 'good', comment: null },
      ],
      [
        { answer: 'problem', comment: 'x'.repeat(2000) },
        { answer: 'problem', comment: 'x'.repeat(2000) },
      ],
    ])('accepts %j', (body, expected) => {
      expect(parseCheckInAnswer(body, 'json')).toEqual({ ok: true, value: expected });
    });

    it.each([
      [{}, 'answer', /required/],
      [{ answer: 'meh' }, 'answer', /"good" or "problem"/],
      [{ answer: 'GOOD' }, 'answer', /"good" or "problem"/],
      [{ answer: ['good'] }, 'answer', /./],
      [{ answer: 'problem', comment: 'x'.repeat(2001) }, 'comment', /at most 2000/],
      [{ answer: 'problem', comment: 42 }, 'comment', /./],
      [{ answer: 'good', rating: 5 }, 'rating', /unknown field/],
    ])('refuses %j at %s', (body, path, message) => {
      const parsed = parseCheckInAnswer(body, 'json');
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
    });

    it('refuses a missing body as a missing answer', () => {
      expect(parseCheckInAnswer(undefined, 'json')).toEqual({
        ok: false,
        errors: [{ path: 'answer', message: 'is required' }],
      });
    });
  });

  describe('a form from the page', () => {
    it('reads answer and comment and ignores any other field', () => {
      expect(
        parseCheckInAnswer(
          { answer: 'problem', comment: 'Too loud', extension_field: '1' },
          'form',
        ),
      ).toEqual({ ok: true, value: { answer: 'problem', comment: 'Too loud' } });
    });

    it('treats an empty comment box as no comment', () => {
      expect(parseCheckInAnswer({ answer: 'good', comment: '' }, 'form')).toEqual({
        ok: true,
        value: { answer: 'good', comment: null },
      });
    });

    it('refuses a form without a choice', () => {
      const parsed = parseCheckInAnswer({ comment: 'hm' }, 'form');
      expect(parsed).toEqual({ ok: false, errors: [{ path: 'answer', message: 'is required' }] });
    });
  });

  describe('the answer a one-click link preselects', () => {
    it.each([
      ['good', 'good'],
      ['problem', 'problem'],
      [undefined, null],
      ['', null],
      ['bad', null],
      [['good', 'problem'], null],
      ['constructor', null],
    ])('?answer=%j → %j', (query, expected) => {
      expect(preselectedAnswer(query)).toBe(expected);
    });
  });
});
