/**
 * Output too large to build as one string (millions of indicators): written in chunks of about
 * 1 MB, waiting whenever the stream asks to, in exactly the bytes JSON.stringify(doc, null, 2)
 * would give.
 */
const CHUNK_CHARS = 1 << 20;

export class ChunkedWriter {
  private pending = '';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    if (text.length > 0 && !this.stream.write(text))
      await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }
}

/**
 * Writes `{ "<arrayKey>": [...items], ...rest }` pretty-printed with two spaces, the items taken one
 * at a time from an iterable: the same text as JSON.stringify(doc, null, 2) without holding it all.
 * `rest` is read after the items (it may be filled while they are produced).
 */
export async function writePrettyJsonWithArray(
  out: ChunkedWriter,
  arrayKey: string,
  items: Iterable<unknown>,
  rest: () => Record<string, unknown>,
): Promise<void> {
  let count = 0;
  for (const item of items) {
    await out.write(`${count === 0 ? `{\n  ${JSON.stringify(arrayKey)}: [\n` : ',\n'}${indent(item, 4)}`);
    count += 1;
  }
  await out.write(count === 0 ? `{\n  ${JSON.stringify(arrayKey)}: []` : '\n  ]');
  for (const [key, value] of Object.entries(rest()))
    await out.write(
      `,\n  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')}`,
    );
  await out.write('\n}\n');
  await out.flush();
}

/** An array element as JSON.stringify(…, null, 2) prints it at this depth (JSON text has no raw newlines in strings). */
function indent(value: unknown, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return pad + JSON.stringify(value, null, 2).replaceAll('\n', `\n${pad}`);
}
