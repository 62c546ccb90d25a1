import { readFile } from 'node:fs/promises';

export interface SchemaColumn {
  readonly field: string;
  readonly column: string;
  readonly prismaType: 'String' | 'Int' | 'BigInt' | 'DateTime';
  readonly optional: boolean;
  /** e.g. `VarChar(100)` from `@db.VarChar(100)`; undefined for Prisma's default mapping. */
  readonly nativeType: string | undefined;
}

export interface SchemaModel {
  readonly name: string;
  readonly table: string;
  readonly columns: SchemaColumn[];
}

/**
 * Just enough of the Prisma schema language for the models of this project:
 * model blocks, scalar fields of four types, `?`, @map/@@map and @db.* types.
 * Anything else in a field line fails loudly so the test cannot silently skip it.
 */
export async function readSchemaModels(schemaPath: string): Promise<SchemaModel[]> {
  const source = await readFile(schemaPath, 'utf8');
  const models: SchemaModel[] = [];
  for (const block of source.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, name = '', body = ''] = block;
    let table = name;
    const columns: SchemaColumn[] = [];
    for (const rawLine of body.split('\n')) {
      const line = rawLine.replace(/\/\/.*$/, '').trim();
      if (line === '') continue;
      if (line.startsWith('@@')) {
        const mapped = /^@@map\("([^"]+)"\)/.exec(line);
        if (mapped?.[1]) table = mapped[1];
        continue;
      }
      const field = /^(\w+)\s+(String|Int|BigInt|DateTime)(\?)?(\s.*)?$/.exec(line);
      if (!field) throw new Error(`unsupported field line in model ${name}: ${line}`);
      const [, fieldName = '', prismaType, optional, attributes = ''] = field;
      columns.push({
        field: fieldName,
        column: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? fieldName,
        prismaType: prismaType as SchemaColumn['prismaType'],
        optional: optional === '?',
        nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(attributes)?.[1],
      });
    }
    models.push({ name, table, columns });
  }
  return models;
}
