/**
 * Heartbeat's message model: an ORDERED list of typed fields (cluster-glue
 * cl_msg). Order matters because signatures cover the encoded bytes.
 */

/** Field type digits as they appear on the wire: `(0)name=...`. */
export const FieldType = {
  string: 0,
  binary: 1,
  struct: 2,
  list: 3,
  compressed: 4,
  uncompressedStruct: 5,
} as const
export type FieldTypeCode = (typeof FieldType)[keyof typeof FieldType]

export type Field =
  | {name: string; type: 0 | 1 | 4; value: Buffer}
  | {name: string; type: 2 | 5; value: HbMessage}
  | {name: string; type: 3; value: Buffer[]}

export class HbMessage {
  readonly fields: Field[] = []

  constructor(init?: Record<string, string> | Array<[string, string]>) {
    if (init) for (const [k, v] of Array.isArray(init) ? init : Object.entries(init)) this.set(k, v)
  }

  private index(name: string): number {
    return this.fields.findIndex((f) => f.name === name)
  }

  has(name: string): boolean {
    return this.index(name) >= 0
  }

  /** String value of a string (or binary) field; undefined when absent. */
  get(name: string): string | undefined {
    const f = this.fields[this.index(name)]
    if (!f) return undefined
    if (f.type === 0 || f.type === 1 || f.type === 4) return f.value.toString('latin1')
    return undefined
  }

  getBinary(name: string): Buffer | undefined {
    const f = this.fields[this.index(name)]
    return f && (f.type === 0 || f.type === 1) ? f.value : undefined
  }

  getStruct(name: string): HbMessage | undefined {
    const f = this.fields[this.index(name)]
    return f && (f.type === 2 || f.type === 5) ? f.value : undefined
  }

  /** Replace-or-append (existing fields keep their position), like ha_msg_mod. */
  set(name: string, value: string | Buffer, type: 0 | 1 = 0): this {
    return this.put({name, type, value: typeof value === 'string' ? Buffer.from(value, 'latin1') : value})
  }

  setStruct(name: string, value: HbMessage): this {
    return this.put({name, type: 2, value})
  }

  setList(name: string, items: string[]): this {
    return this.put({name, type: 3, value: items.map((s) => Buffer.from(s, 'latin1'))})
  }

  /** Appends without checking for an existing field (duplicates are legal on the wire). */
  append(field: Field): this {
    this.fields.push(field)
    return this
  }

  put(field: Field): this {
    const i = this.index(field.name)
    if (i >= 0) this.fields[i] = field
    else this.fields.push(field)
    return this
  }

  remove(name: string): this {
    const i = this.index(name)
    if (i >= 0) this.fields.splice(i, 1)
    return this
  }

  get type(): string | undefined {
    return this.get('t')
  }

  clone(): HbMessage {
    const m = new HbMessage()
    for (const f of this.fields) m.fields.push({...f} as Field)
    return m
  }

  /** Plain object of the string fields (binary shown as hex), for logs and tests. */
  toJSON(): Record<string, string> {
    const o: Record<string, string> = {}
    for (const f of this.fields) {
      if (f.type === 0) o[f.name] = f.value.toString('latin1')
      else if (f.type === 1 || f.type === 4) o[f.name] = '0x' + f.value.toString('hex')
      else if (f.type === 3) o[f.name] = f.value.map((b) => b.toString('latin1')).join(' ')
      else o[f.name] = JSON.stringify(f.value.toJSON())
    }
    return o
  }
}

/** Heartbeat prints numbers with `%lx`: lowercase hex, no leading zeros. */
export function hex(n: number): string {
  return Math.trunc(n).toString(16)
}

/** Parses a `%lx`-style hex field; undefined for anything that is not plain hex. */
export function parseHex(s: string | undefined): number | undefined {
  if (s === undefined || !/^[0-9a-fA-F]{1,13}$/.test(s)) return undefined
  return Number.parseInt(s, 16)
}

export function parseDecimal(s: string | undefined): number | undefined {
  if (s === undefined || !/^[0-9]{1,15}$/.test(s)) return undefined
  return Number.parseInt(s, 10)
}
