// Xen's attribute and annotation macros, as data: object-like macros that
// expand to a GCC attribute, a section placement or nothing, and function-like
// ones whose argument list is an attribute's. tree-sitter does not know them:
// `static void cf_check foo(…)` reads as a declaration broken around
// `cf_check`, and the function's head splits off its body. The front end
// blanks them before parsing (syntax/blank.ts), keeping every offset. Users
// add their own (CLI `--config` "attributes", LSP setting
// `xsr.syntax.extraAttributes`); `parseAttributeConfig` validates them.

/** A macro to blank: a bare word, or (`args`) the word with its balanced `( … )` argument list. */
export interface AttributeMacro {
  name: string;
  args: boolean;
}

// Where each comes from (xen/include/xen/{compiler,init,sections,cache,config}.h
// unless said otherwise; research/facts/attributes.json has the definitions).
const WORDS: readonly string[] = [
  // compiler.h: function and data attributes.
  'cf_check', // __attribute__((__cf_check__)) under CET-IBT, else empty (4.17 onwards, on every function whose address is taken)
  'noinline',
  'always_inline', // inline __attribute__((__always_inline__))
  'gnu_inline',
  'noreturn',
  'nocall',
  '__used',
  '__maybe_unused',
  '__must_check',
  '__packed',
  '__weak',
  '__pure',
  'attr_const',
  '__transparent__',
  '__constructor',
  'asmlinkage',
  // init.h: section placement of boot-time code and data.
  '__init',
  '__exit',
  '__cold',
  '__initdata',
  '__initconst',
  '__initconstrel',
  '__initdata_cf_clobber',
  '__initconst_cf_clobber',
  '__exitdata',
  '__initsetup',
  '__hwdom_init',
  '__hwdom_initdata',
  '__paramhypfs',
  'init_or_livepatch',
  'init_or_livepatch_data',
  'init_or_livepatch_read_mostly',
  'init_or_livepatch_ro_after_init',
  '__overlay_init',
  '__alt_call_maybe_initdata',
  // sections.h, cache.h.
  '__read_mostly',
  '__ro_after_init',
  '__cacheline_aligned',
  // config.h and others: annotations defined empty.
  '__iomem',
  '__user',
  '__rcu',
  // pdx.c: a file-local section macro.
  '__init_or_mask_compr',
];

const WITH_ARGS: readonly string[] = [
  '__attribute__',
  '__attribute',
  '__section',
  '__text_section',
  '__used_section',
  '__aligned',
  '__nonnull',
  '__init_call',
];

export const BUILTIN_ATTRIBUTES: readonly AttributeMacro[] = [
  ...WORDS.map((name) => ({ name, args: false })),
  ...WITH_ARGS.map((name) => ({ name, args: true })),
];

interface AttributeConfigResult {
  attributes: AttributeMacro[];
  /** One message per malformed entry, naming it. */
  errors: string[];
}

/**
 * Validates user attribute macros: an array of names, `"__my_attr"` for a
 * bare word, `"__my_section(…)"` (or `"__my_section()"`) for one followed by
 * an argument list. Malformed entries are reported and skipped.
 */
export function parseAttributeConfig(value: unknown, source = 'config'): AttributeConfigResult {
  const attributes: AttributeMacro[] = [];
  const errors: string[] = [];
  if (!Array.isArray(value)) return { attributes, errors: [`${source}: expected an array of macro names`] };
  value.forEach((entry: unknown, i: number) => {
    const m = typeof entry === 'string' ? /^\s*([A-Za-z_]\w*)\s*(\(\s*(?:…|\.\.\.)?\s*\))?\s*$/.exec(entry) : null;
    if (!m) {
      errors.push(`${source}[${i}]: ${JSON.stringify(entry)} is not a C identifier, optionally followed by "(…)"`);
      return;
    }
    attributes.push({ name: m[1]!, args: !!m[2] });
  });
  return { attributes, errors };
}
