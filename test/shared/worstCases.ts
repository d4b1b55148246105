// Generated worst cases: C in Xen's style whose shape, not its size, makes an
// analysis expensive (deep nesting, long boolean chains, many conditional
// locks, goto meshes, long patches) and the half-typed code an editor sees all
// day. Shared by the regression and fuzz tests (test/core, test/lsp) and by
// `npm run bench` (worstFunctionMs).

/** `n` names `prefix0`, `prefix1`, … */
const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** One function `name` around `body` (lines indented by four). */
function fn(name: string, body: string[], params = 'struct sched_priv *prv'): string {
  return `static void ${name}(${params})\n{\n${body.map((l) => (l ? `    ${l}` : '')).join('\n')}\n}\n`;
}

/** The half-typed condition of the issue: `if (` with its `)` not typed yet. */
export const HALF_TYPED_IF = 'void f(struct vcpu *v) { if ( d(); spin_unlock(&l); }\n';

/** `n` nested `if` blocks around a lock pair. */
export function nestedIfs(n: number): string {
  const open = Array.from({ length: n }, (_, i) => `if ( prv->c${i % 8} ) {`);
  const close = Array.from({ length: n }, () => '}');
  return fn('sched_nested_ifs', ['spin_lock(&prv->lock);', ...open, 'prv->n++;', ...close, 'spin_unlock(&prv->lock);']);
}

/** `n` nested bare blocks `{ { … } }` around a lock pair. */
export function nestedBlocks(n: number): string {
  return fn('sched_nested_blocks', [`${'{'.repeat(n)} spin_lock(&prv->lock); prv->n++; spin_unlock(&prv->lock); ${'}'.repeat(n)}`]);
}

/**
 * `if ( spin_trylock(&prv->l0) OP spin_trylock(&prv->l1) OP … )`: with `&&`
 * the body holds every lock and releases them; with `||` it holds one of them.
 */
export function trylockChain(n: number, op: '&&' | '||'): string {
  const cond = names('spin_trylock(&prv->l', n).map((t) => `${t})`);
  const body =
    op === '&&'
      ? [
          'prv->n++; /* @chain_body */',
          ...names('prv->l', n)
            .reverse()
            .map((l) => `spin_unlock(&${l});`),
        ]
      : ['prv->n++; /* @chain_body */'];
  return fn('sched_try_chain', [
    `if ( ${cond.join(` ${op}\n         `)} )`,
    '{',
    ...body.map((l) => `    ${l}`),
    '}',
    'prv->m++; /* @chain_after */',
  ]);
}

/**
 * `n` locks each taken under a condition, then released under the same
 * condition after common work: correct code whose paths double per pair.
 */
export function conditionalLockPairs(n: number): string {
  const params = ['struct sched_priv *prv', ...names('bool c', n)].join(', ');
  const take = names('', n).flatMap((i) => [`if ( c${i} )`, `    spin_lock(&prv->l${i});`]);
  const drop = names('', n).flatMap((i) => [`if ( c${i} )`, `    spin_unlock(&prv->l${i});`]);
  return fn('sched_cond_pairs', [...take, 'prv->n++; /* @pairs_middle */', ...drop, 'prv->m++; /* @pairs_end */'], params);
}

/** The flag idiom of the issue, `n` times: `bool held = false; if ( c ) { spin_lock(&l); held = true; } … if ( held ) spin_unlock(&l);`. */
export function heldFlagPairs(n: number): string {
  const decl = names('', n).map((i) => `bool held${i} = false;`);
  const take = names('', n).flatMap((i) => [`if ( prv->c${i} )`, '{', `    spin_lock(&prv->l${i});`, `    held${i} = true;`, '}']);
  const drop = names('', n).flatMap((i) => [`if ( held${i} )`, `    spin_unlock(&prv->l${i});`]);
  return fn('sched_held_flags', [...decl, ...take, 'prv->n++; /* @flags_middle */', ...drop, 'prv->m++; /* @flags_end */']);
}

/** A lock held over `n` error checks that jump to one of seven labels, with conditional inner locks on the way. */
function gotoMesh(n: number): string {
  const body = ['spin_lock(&prv->lock);'];
  for (let i = 0; i < n; i++) {
    body.push(
      `if ( prv->e${i} )`,
      `    goto out${i % 7};`,
      `if ( prv->t${i} )`,
      `    spin_unlock(&prv->m${i});`,
      'else',
      `    spin_lock(&prv->m${i});`,
    );
  }
  for (let k = 0; k < 7; k++) body.push(`out${k}:`, `prv->x${k}++;`);
  body.push('spin_unlock(&prv->lock);');
  return fn('sched_goto_mesh', body);
}

/** Scheduler-lock pointers, each released early on some paths and tested later. */
function lockPointers(n: number): string {
  const body: string[] = [];
  for (let i = 0; i < n; i++)
    body.push(
      `spinlock_t *lk${i} = vcpu_schedule_lock_irq(v${i});`,
      `if ( prv->c${i} )`,
      '{',
      `    vcpu_schedule_unlock_irq(lk${i}, v${i});`,
      `    lk${i} = NULL;`,
      '}',
    );
  for (let i = 0; i < n; i++) body.push(`if ( lk${i} )`, `    vcpu_schedule_unlock_irq(lk${i}, v${i});`);
  return fn('sched_lock_pointers', body, ['struct sched_priv *prv', ...names('struct vcpu *v', n)].join(', '));
}

/** `n` locks taken one after the other, released in reverse. */
function manyLocks(n: number): string {
  return fn('sched_many_locks', [
    ...names('', n).map((i) => `spin_lock(&prv->l${i});`),
    ...names('', n)
      .reverse()
      .map((i) => `spin_unlock(&prv->l${i});`),
  ]);
}

/** One statement taking `n` locks (a comma expression), the next releasing them. */
function commaLocks(n: number): string {
  return fn('sched_comma_locks', [
    `${names('', n)
      .map((i) => `spin_lock(&prv->l${i})`)
      .join(', ')};`,
    `${names('', n)
      .map((i) => `spin_unlock(&prv->l${i})`)
      .join(', ')};`,
  ]);
}

/** A lock held around a condition of `n` plain operands then 64 trylocks. */
function wideTrylockCondition(n: number): string {
  const cond = [...names('prv->a', n), ...names('spin_trylock(&prv->l', 64).map((t) => `${t})`)].join(' && ');
  return fn('sched_wide_condition', [`if ( ${cond} )`, '    prv->n++;']);
}

/** A lock held over a `switch` of `n` cases, each taking and releasing an inner lock under a condition. */
function bigSwitch(n: number): string {
  const body = ['spin_lock(&prv->lock);', 'switch ( prv->op )', '{'];
  for (let i = 0; i < n; i++)
    body.push(
      `case ${i}:`,
      `    if ( prv->c${i} )`,
      `        spin_lock(&prv->m${i});`,
      `    prv->y = ${i};`,
      `    if ( prv->c${i} )`,
      `        spin_unlock(&prv->m${i});`,
      '    break;',
    );
  body.push('}', 'spin_unlock(&prv->lock);');
  return fn('sched_big_switch', body);
}

/** `n` nested parentheses in a condition, `n` `!`, `n` nested calls in an argument: expression nesting. */
export function deepExpressions(n: number): string {
  return fn('sched_deep_expressions', [
    'spin_lock(&prv->lock);',
    `if ( ${'('.repeat(n)}prv->a${')'.repeat(n)} )`,
    '    prv->n++;',
    `if ( ${'!'.repeat(n)}prv->b )`,
    '    prv->n++;',
    `prv->x = ${'g('.repeat(n)}1${')'.repeat(n)};`,
    `prv->y = ${'('.repeat(n)}1${')'.repeat(n)};`,
    'spin_unlock(&prv->lock);',
  ]);
}

/** A condition chaining `n` plain operands with `&&`. */
export function longCondition(n: number): string {
  return fn('sched_long_condition', [
    'spin_lock(&prv->lock);',
    `if ( ${names('prv->a', n).join(' && ')} )`,
    '    prv->n++;',
    'spin_unlock(&prv->lock);',
  ]);
}

/** A function defined inside `n` nested `#ifdef`s. */
export function nestedIfdefs(n: number): string {
  return `${'#ifdef CONFIG_X\n'.repeat(n)}${fn('sched_in_ifdefs', ['spin_lock(&prv->lock);', 'prv->n++;', 'spin_unlock(&prv->lock);'])}${'#endif\n'.repeat(n)}`;
}

/** An `else if` chain of `n` arms (nested in the syntax tree), each releasing the lock. */
function elseIfChain(n: number): string {
  const body = ['spin_lock(&prv->lock);', 'if ( prv->op == 0 )', '    spin_unlock(&prv->lock);'];
  for (let i = 1; i < n; i++) body.push(`else if ( prv->op == ${i} )`, '    spin_unlock(&prv->lock);');
  body.push('else', '    spin_unlock(&prv->lock);');
  return fn('sched_else_if_chain', body);
}

/** A well-formed function to sit beside the worst cases in a folder (its one finding must still be reported). */
export const BYSTANDER = `static int sched_bystander(struct sched_priv *prv)
{
    spin_lock(&prv->lock);
    if ( prv->n == 0 )
        return -EINVAL; /* @bystander_leak */
    prv->n--;
    spin_unlock(&prv->lock);
    return 0;
}
`;

interface WorstCase {
  name: string;
  text: string;
}

/**
 * The generated worst cases at the sizes the bench measures: each is one
 * function (or a function inside one odd construct), at or past the bound where
 * the analysis degrades (merges paths, or gives up with a note).
 */
export function worstCases(): WorstCase[] {
  return [
    { name: 'nested ifs (1,500)', text: nestedIfs(1500) },
    { name: 'nested blocks (5,000)', text: nestedBlocks(5000) },
    { name: 'trylock && chain (40)', text: trylockChain(40, '&&') },
    { name: 'trylock || chain (64)', text: trylockChain(64, '||') },
    { name: 'conditional lock pairs (400)', text: conditionalLockPairs(400) },
    { name: 'held flags (400)', text: heldFlagPairs(400) },
    { name: 'goto mesh (400)', text: gotoMesh(400) },
    { name: 'lock pointers (400)', text: lockPointers(400) },
    { name: 'many locks (800)', text: manyLocks(800) },
    { name: 'comma locks (64)', text: commaLocks(64) },
    { name: 'wide trylock condition (930 + 64)', text: wideTrylockCondition(930) },
    { name: 'switch (1,000 cases)', text: bigSwitch(1000) },
    { name: 'deep expressions (5,000)', text: deepExpressions(5000) },
    { name: 'long condition (5,000)', text: longCondition(5000) },
    { name: 'nested #ifdef (20,000)', text: nestedIfdefs(20000) },
    { name: 'else-if chain (3,000)', text: elseIfChain(3000) },
  ];
}

/**
 * A base file of `lines` statement lines and a git patch rewriting every one
 * of them (the shape that made `check --patch` diff for minutes).
 */
export function rewritePatch(lines: number, file = 'xen/common/sched/big.c'): { base: string; patch: string } {
  const before = Array.from({ length: lines }, (_, i) => `    prv->v${i} = ${i};`);
  const after = Array.from({ length: lines }, (_, i) => `    prv->w${i} = ${i + 1};`);
  const head = ['static void sched_big(struct sched_priv *prv)', '{', '    spin_lock(&prv->lock);'];
  const tail = ['    spin_unlock(&prv->lock);', '}'];
  const base = [...head, ...before, ...tail].join('\n') + '\n';
  const hunk = [`@@ -4,${lines} +4,${lines} @@`, ...before.map((l) => `-${l}`), ...after.map((l) => `+${l}`)];
  const patch = [
    `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001`,
    'From: XSR Tests <tests@example.invalid>',
    'Date: Wed, 3 Jan 2024 00:00:00 +0000',
    'Subject: [PATCH] xen/sched: big: rewrite every field',
    '',
    '---',
    `diff --git a/${file} b/${file}`,
    `--- a/${file}`,
    `+++ b/${file}`,
    ...hunk,
    '-- ',
    '2.39.5',
    '',
  ].join('\n');
  return { base, patch };
}
