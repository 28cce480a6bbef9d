// Groups (`@db`) resolve lazily, each once, and may use each other; a cycle is reported once,
// at the group that closes it.
import { report, type Ctx } from '../context.js';
import { expandIn, type Scope } from '../expand.js';

/**
 * A resolved group. `broken`: its definition had problems (its own or a nested group's), so
 * its names may be short, and whoever uses it must not be told their node set is empty.
 */
export interface Resolved {
  names: string[];
  broken: boolean;
}

export class GroupTable {
  private readonly done = new Map<string, Resolved>();
  private readonly stack: string[] = [];

  constructor(
    private readonly exprs: Map<string, string>,
    private readonly ctx: Ctx,
    private readonly hosts: ReadonlySet<string> | null,
  ) {}

  has(name: string): boolean {
    return this.exprs.has(name);
  }

  names(): string[] {
    return [...this.exprs.keys()];
  }

  resolve(name: string): Resolved {
    const done = this.done.get(name);
    if (done) {
      return done;
    }
    const at = this.stack.indexOf(name);
    if (at >= 0) {
      return this.reportCycle(this.stack.slice(at));
    }
    this.stack.push(name);
    const scope: Scope = { hosts: this.hosts, groups: this };
    const before = this.ctx.issues.length;
    const names = expandIn(this.ctx, this.exprs.get(name)!, ['groups', name], 'value', scope);
    this.stack.pop();
    // A cycle through this group has already recorded it as broken.
    if (!this.done.has(name)) {
      this.done.set(name, { names: names ?? [], broken: this.ctx.issues.length > before });
    }
    return this.done.get(name)!;
  }

  /** Every group, resolved, in file order. */
  resolveAll(): Map<string, string[]> {
    return new Map(this.names().map((name) => [name, this.resolve(name).names]));
  }

  private reportCycle(cycle: string[]): Resolved {
    const chain = [...cycle, cycle[0]!].map((g) => `@${g}`).join(' → ');
    report(this.ctx, ['groups', cycle[0]!], `groups form a cycle: ${chain}`);
    const broken = { names: [], broken: true };
    for (const g of cycle) {
      this.done.set(g, broken);
    }
    return broken;
  }
}
