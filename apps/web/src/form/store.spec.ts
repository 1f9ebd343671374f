import type { ServiceDefinition } from '@guichet/shared';
import { FormStore } from './store';

const definition: Pick<ServiceDefinition, 'pages' | 'rules'> = {
  pages: [
    { id: 'one', title: 'Un', fields: ['name', 'hasChildren', 'children'] },
    { id: 'two', title: 'Deux', fields: ['allergy'] },
  ],
  rules: {
    visibility: [
      { target: '/children', when: { eq: [{ field: '/hasChildren' }, 'oui'] } },
      { target: 'page:two', when: { eq: [{ field: '/hasChildren' }, 'oui'] } },
    ],
    eligibility: [{ id: 'too-many', blockWhen: { eq: [{ field: '/name' }, 'robot'] }, message: 'Non.' }],
  },
};

function counting(store: FormStore, pointer: string) {
  const calls = { n: 0 };
  store.subscribeValue(pointer, () => calls.n++);
  return calls;
}

describe('FormStore', () => {
  it('tells a field and its containers about a keystroke, and no other field', () => {
    const store = new FormStore(definition, { children: [{ first: 'A' }, { first: 'B' }] });
    const own = counting(store, '/children/0/first');
    const sibling = counting(store, '/children/1/first');
    const list = counting(store, '/children');
    const other = counting(store, '/name');
    store.set('/children/0/first', 'Ab');
    expect({ own: own.n, sibling: sibling.n, list: list.n, other: other.n }).toEqual({
      own: 1,
      sibling: 0,
      list: 1,
      other: 0,
    });
    expect(store.get('/children/0/first')).toBe('Ab');
  });

  it('takes NUL characters out of a text answer as it arrives (the server refuses them)', () => {
    const store = new FormStore(definition, {});
    store.set('/name', 'Jean\u0000ne \u0000Dupont');
    expect(store.get('/name')).toBe('Jeanne Dupont');
  });

  it('shows half a surrogate pair as U+FFFD as it arrives (the server refuses it), and keeps whole pairs', () => {
    const store = new FormStore(definition, {});
    store.set('/name', 'Jean\ud800ne \udc00Dupont 😀');
    expect(store.get('/name')).toBe('Jean\ufffdne \ufffdDupont 😀');
  });

  it('never mutates a snapshot it handed out', () => {
    const store = new FormStore(definition, { children: [{ first: 'A' }] });
    const before = store.snapshot();
    store.set('/children/0/first', 'Z');
    expect(before).toEqual({ children: [{ first: 'A' }] });
    expect(store.snapshot()).toEqual({ children: [{ first: 'Z' }] });
  });

  it('removes a key set to undefined, and tells the fields inside a replaced list', () => {
    const store = new FormStore(definition, { name: 'x', children: [{ first: 'A' }, { first: 'B' }] });
    const second = counting(store, '/children/1/first');
    store.set('/name', undefined);
    expect('name' in store.snapshot()).toBe(false);
    store.set('/children', [{ first: 'B' }]);
    expect(second.n).toBe(1);
  });

  it('flips visibility of the fields and pages the rules name, and tells only those', () => {
    const store = new FormStore(definition, {});
    expect(store.isHidden('/children')).toBe(true);
    expect(store.visiblePageIds()).toEqual(['one']);
    const children = { n: 0 };
    store.subscribeVisibility('/children', () => children.n++);
    store.set('/hasChildren', 'oui');
    expect(store.isHidden('/children')).toBe(false);
    expect(store.visiblePageIds()).toEqual(['one', 'two']);
    store.set('/name', 'Jeanne');
    expect(children.n).toBe(1);
  });

  it('keeps the same pages and eligibility objects while they do not change (stable for React)', () => {
    const store = new FormStore(definition, {});
    const pages = store.visiblePageIds();
    const blocking = store.blockingRules();
    store.set('/name', 'Jeanne');
    expect(store.visiblePageIds()).toBe(pages);
    expect(store.blockingRules()).toBe(blocking);
    store.set('/name', 'robot');
    expect(store.blockingRules().map((e) => e.code)).toEqual(['eligibility:too-many']);
  });

  it('tells a field when its error appears, changes or goes, and not otherwise', () => {
    const store = new FormStore(definition, {});
    const calls = { n: 0 };
    store.subscribeError('/name', () => calls.n++);
    store.setErrors([{ pointer: '/name', code: 'required', message: 'Ce champ est obligatoire.' }]);
    store.setErrors([{ pointer: '/name', code: 'required', message: 'Ce champ est obligatoire.' }]);
    expect(calls.n).toBe(1);
    store.clearError('/name');
    expect(store.error('/name')).toBeUndefined();
    expect(calls.n).toBe(2);
  });
});

describe('lists of single answers', () => {
  it('keep an emptied item in its place', () => {
    const store = new FormStore({ pages: [], settings: { signIn: 'none' } } as never, { tags: ['a', 'b', 'c'] });
    store.set('/tags/1', undefined);
    expect((store.get('/tags') as unknown[]).length).toBe(3);
    expect(store.get('/tags/2')).toBe('c');
  });
});

describe('the step check: the errors of what is drawn', () => {
  const error = (pointer: string, code = 'required') => ({ pointer, code, message: `${code} ${pointer}` });
  // ajv's verdict on a step whose fields conditions brought: a dependency (/date_permis, on no page), an if/then
  // (/precision), the chosen branch (/contact/telephone) and the one left aside (/contact/courriel).
  const verdict = [
    error('/contact/courriel'),
    error('/contact/telephone', 'pattern'),
    error('/contact', 'oneOf'),
    error('/date_permis'),
    error('/precision', 'minLength'),
    error('/autre_page'),
    error('/commune/nom'),
    error('/enfants/0'),
    error('/enfants/1/prenom'),
  ];

  it('keeps every field drawn, conditions’ included, and only those', () => {
    const store = new FormStore(definition, {});
    for (const [pointer, whole] of [
      ['/contact', false],
      ['/contact/telephone', true],
      ['/date_permis', true],
      ['/precision', true],
      ['/commune', true],
      ['/enfants', false],
      ['/enfants/0', false],
    ] as const)
      store.draw(pointer, whole);
    expect(store.drawnErrors(verdict).map((e) => e.pointer)).toEqual([
      // The chosen branch's field, not the other branch's; the choice's own error goes, its field's says more.
      '/contact/telephone',
      '/date_permis',
      '/precision',
      // A part of a field drawn whole (a commune's name); an item's own error, not an item that is not drawn.
      '/commune/nom',
      '/enfants/0',
    ]);
  });

  it('forgets a field once it is no longer drawn (a condition that stops holding)', () => {
    const store = new FormStore(definition, {});
    const undraw = store.draw('/precision', true);
    store.draw('/contact', false);
    store.draw('/contact', false);
    expect(store.drawnErrors(verdict).map((e) => e.pointer)).toEqual(['/contact', '/precision']);
    undraw();
    expect(store.drawnErrors(verdict).map((e) => e.pointer)).toEqual(['/contact']);
  });

  it('starts a list, not a group keyed « 0 », when a tuple drawn before its list exists gets its first answer (releves-compteurs-tuples: « valeur attendue : une liste »)', () => {
    const store = new FormStore(definition, {});
    store.markList('/position');
    store.set('/position/1', -1.55);
    store.set('/position/0', 47.2);
    expect(store.get('/position')).toEqual([47.2, -1.55]);
    // A list of tuples: the item, drawn as a list too, is one.
    store.markList('/releves');
    store.markList('/releves/0');
    store.set('/releves/0/1', 1243);
    expect(store.snapshot().releves).toEqual([[undefined, 1243]]);
    // Elsewhere a key made of digits stays a key (patternProperties, a year).
    store.set('/annees/2024', 'oui');
    expect(store.snapshot().annees).toEqual({ 2024: 'oui' });
  });
});
