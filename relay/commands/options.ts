/** A small, strict option parser for the `webtensor` commands: `--name value`, `--name=value`, `--flag`. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  /** 'flag' takes no value; 'string' and 'int' take one. */
  kind: 'flag' | 'string' | 'int';
}

export function parseOptions<S extends Record<string, OptionSpec>>(
  args: string[],
  spec: S,
): { [K in keyof S]?: S[K]['kind'] extends 'flag' ? boolean : S[K]['kind'] extends 'int' ? number : string } {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option --${name}`);
    if (option.kind === 'flag') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (option.kind === 'int') {
      if (!/^\d+$/.test(value)) throw new UsageError(`--${name} expects a non-negative integer, got "${value}"`);
      out[name] = Number(value);
    } else {
      out[name] = value;
    }
  }
  return out as never;
}
