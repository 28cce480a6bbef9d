// Groups (`@db`) resolve lazily, each once, and may use each other; a cycle is reported once,
// at the group that closes it, and its members count as broken rather than empty.
import { report, type Ctx } from './context.js';
import { expandIn, type Scope } from './expand.js';

export class GroupTable {
  private readonly done = new Map<string, string[] | undefined>();
  private readonly stack: string[] = [];

  constructor(
    private readonly exprs: Map<string, string>,
    private readonly ctx: Ctx,
    private readonly hosts: ReadonlySet<string> | null,
  ) {}

  has(name: string): boolean { return this.exprs.has(name); }

  names(): string[] { return [...this.exprs.keys()]; }

  /** The group's hosts, or undefined when its definition is broken (already reported). */
  resolve(name: string): string[] | undefined {
    if (this.done.has(name)) return this.done.get(name);
    const at = this.stack.indexOf(name);
    if (at >= 0) return this.reportCycle(this.stack.slice(at));
    this.stack.push(name);
    const scope: Scope = { hosts: this.hosts, groups: this };
    const names = expandIn(this.ctx, this.exprs.get(name)!, ['groups', name], 'value', scope);
    this.stack.pop();
    if (!this.done.has(name)) this.done.set(name, names);
    return this.done.get(name);
  }

  /** Every group, resolved, in file order; broken ones are left out. */
  resolveAll(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const name of this.exprs.keys()) {
      const names = this.resolve(name);
      if (names) out.set(name, names);
    }
    return out;
  }

  private reportCycle(cycle: string[]): undefined {
    const chain = [...cycle, cycle[0]!].map((g) => `@${g}`).join(' → ');
    report(this.ctx, ['groups', cycle[0]!], `groups form a cycle: ${chain}`);
    for (const g of cycle) this.done.set(g, undefined);
    return undefined;
  }
}
