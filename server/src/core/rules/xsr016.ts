// XSR016 lock-order-inversion: two locks (or a longer cycle) taken in
// opposite orders at different sites of the analysed code, directly or
// through a callee: two CPUs each holding one and waiting for the other
// deadlock. Reported once per cycle, at the site of its rarest edge (the
// likely odd one out), with one site of each other edge as related
// locations. Trylocks, RCU read sections and the address-ordered double
// lock make no edge.
import type { FileAnalysis } from '../analysis';
import type { OrderSite } from '../guards/order';
import { FolderFindings, noFunctionFindings, relatedAt, runDiscipline, siteLabel } from './guardWords';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR016',
  slug: 'lock-order-inversion',
  severity: 'error',
  summary: 'Two locks taken in opposite orders at different sites (directly or through callees): a possible deadlock.',
};

const how = (s: OrderSite): string => (s.via ? ` (through ${s.via}())` : '');

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: ReturnType<typeof finding>[] }[] {
  const d = runDiscipline(files);
  if (!d) return [];
  const out = new FolderFindings();
  for (const c of d.cycles) {
    // The rarest edge is where the order is most likely the wrong one; ties: the first reported site.
    const reported = c.edges.filter((e) => e.sites.some((s) => s.fn.reported));
    if (!reported.length) continue;
    const primary = [...reported].sort((a, b) => a.sites.length - b.sites.length)[0]!;
    const site = primary.sites.find((s) => s.fn.reported)!;
    const file = site.fn.file;
    const others = c.edges.filter((e) => e !== primary);
    const otherText = others
      .map((e) => `${e.inner} is taken while ${e.outer} is held in ${siteLabel(e.sites[0]!.fn, e.sites[0]!.start)}${how(e.sites[0]!)}`)
      .join(', and ');
    out.add(
      file,
      finding(meta, site.fn.fn, {
        start: site.start,
        end: site.end,
        related: others.map((e) => {
          const s = e.sites[0]!;
          return relatedAt(file, s.fn, s.start, s.end, `${e.inner} taken while ${e.outer} is held (${siteLabel(s.fn, s.start)}${how(s)})`);
        }),
        message: `${primary.inner} is taken here${how(site)} while ${primary.outer} is held, but ${otherText}: two CPUs taking them in these orders can deadlock.`,
      }),
    );
  }
  return out.shares();
}

export const xsr016: Rule = { meta, check: noFunctionFindings, checkFolder };
