import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor } from '$lib/agent/shortcuts';

const body = { tagName: 'BODY' };

describe('shortcutFor', () => {
  it('maps A, R and E to accept, reject and end, in either case', () => {
    expect(shortcutFor({ key: 'a', target: body })).toBe('accept');
    expect(shortcutFor({ key: 'R', target: body })).toBe('reject');
    expect(shortcutFor({ key: 'e', target: body })).toBe('end');
    expect(shortcutFor({ key: 'x', target: body })).toBeUndefined();
  });

  it('does not fire while the agent types in a field', () => {
    expect(shortcutFor({ key: 'a', target: { tagName: 'INPUT', type: 'text' } })).toBeUndefined();
    expect(shortcutFor({ key: 'e', target: { tagName: 'TEXTAREA' } })).toBeUndefined();
    expect(shortcutFor({ key: 'r', target: { tagName: 'SELECT' } })).toBeUndefined();
    expect(shortcutFor({ key: 'a', target: { tagName: 'DIV', isContentEditable: true } })).toBeUndefined();
  });

  it('fires from buttons, checkboxes and radios, which take no text', () => {
    expect(shortcutFor({ key: 'a', target: { tagName: 'BUTTON' } })).toBe('accept');
    expect(shortcutFor({ key: 'a', target: { tagName: 'INPUT', type: 'checkbox' } })).toBe('accept');
    expect(shortcutFor({ key: 'a', target: { tagName: 'INPUT', type: 'radio' } })).toBe('accept');
  });

  it('leaves browser shortcuts and held keys alone', () => {
    expect(shortcutFor({ key: 'a', ctrlKey: true, target: body })).toBeUndefined();
    expect(shortcutFor({ key: 'r', metaKey: true, target: body })).toBeUndefined();
    expect(shortcutFor({ key: 'e', altKey: true, target: body })).toBeUndefined();
    expect(shortcutFor({ key: 'a', repeat: true, target: body })).toBeUndefined();
  });
});

describe('isTypingTarget', () => {
  it('treats an input without a type as text', () => {
    expect(isTypingTarget({ tagName: 'input', type: '' })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });
});
