import { dirname, relative } from 'node:path';
import ts from 'typescript';
import type { ApiEntryPoint } from './entry-points.ts';

/** What kind of thing an export is; decides what its doc comment must hold. */
export type ApiExportKind = 'class' | 'function' | 'const' | 'interface' | 'type' | 'namespace' | 'other';

/** One exported name of one entry point, rendered as a declaration without bodies or comments. */
export interface ApiExport {
  readonly name: string;
  readonly kind: ApiExportKind;
  /** `export type { X }`: only the type is public, even when X is a class. */
  readonly typeOnly: boolean;
  /** The declaration as the report shows it. */
  readonly declaration: string;
  /** Has a doc comment with text (tags alone do not count). */
  readonly documented: boolean;
  /** The doc comment has an `@example`. */
  readonly hasExample: boolean;
  /** `packages/core/src/x/y.ts:12`, for messages. */
  readonly location: string;
  /**
   * Types declared in this repo that the export's signature uses but no public entry point
   * exports: a user could receive such a value and not be able to name its type.
   */
  readonly unexported: readonly string[];
}

/** The public surface of one entry point. */
export interface ApiEntryReport {
  readonly entry: ApiEntryPoint;
  readonly exports: readonly ApiExport[];
}

const typeFlags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

/**
 * Reads the public surface of the given entry points straight from their TypeScript source: one
 * program over the entry files (the repo's `tsconfig.json` for paths and options), nothing built
 * and nothing emitted. The type checker resolves only the types the exports name, which keeps this
 * to a few seconds for the whole repo.
 */
export function collectApi(root: string, entries: readonly ApiEntryPoint[]): ApiEntryReport[] {
  const configPath = `${root}/tsconfig.json`;
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram({
    rootNames: entries.map((entry) => entry.sourceFile),
    options: config.options,
  });
  const checker = program.getTypeChecker();
  const exportedByEntry = entries.map((entry) => {
    const sourceFile = program.getSourceFile(entry.sourceFile);
    if (sourceFile === undefined) throw new Error(`not in the program: ${entry.sourceFile}`);
    const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
    return moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
  });
  const resolve = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const publicSymbols = new Set(exportedByEntry.flat().map(resolve));
  const renderer = new DeclarationRenderer(checker, root);
  const references = new ReferenceFinder(checker, root);
  return entries.map((entry, index) => {
    const exports = (exportedByEntry[index] ?? [])
      .map((symbol) => {
        const unexported = [...references.of(resolve(symbol))]
          .filter((used) => !publicSymbols.has(used))
          .map((used) => used.name)
          .sort();
        return { ...renderer.renderExport(symbol), unexported: [...new Set(unexported)] };
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
    return { entry, exports };
  });
}

/**
 * The named types an export's signature uses that are declared in the repo's own packages (not
 * in a dependency or the standard library): the walk follows anonymous object and function types
 * and type arguments, and stops at each named type.
 */
class ReferenceFinder {
  readonly #checker: ts.TypeChecker;
  readonly #packagesDir: string;

  constructor(checker: ts.TypeChecker, root: string) {
    this.#checker = checker;
    this.#packagesDir = `${root}/packages/`;
  }

  of(symbol: ts.Symbol): Set<ts.Symbol> {
    const found = new Set<ts.Symbol>();
    const seen = new Set<ts.Type>();
    const checker = this.#checker;
    const visit = (type: ts.Type, depth: number): void => this.#visit(type, depth, found, seen);
    const visitSignature = (signature: ts.Signature): void => {
      for (const parameter of signature.getParameters()) visit(checker.getTypeOfSymbol(parameter), 0);
      visit(signature.getReturnType(), 0);
    };
    if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) {
      const type = checker.getTypeOfSymbol(symbol);
      if (symbol.flags & ts.SymbolFlags.Function) type.getCallSignatures().forEach(visitSignature);
      else visit(type, 0);
    }
    if (symbol.flags & ts.SymbolFlags.Class) {
      const staticSide = checker.getTypeOfSymbol(symbol);
      staticSide.getConstructSignatures().forEach(visitSignature);
      this.#visitMembers(staticSide, visit, visitSignature, (name) => name !== 'prototype');
      this.#visitMembers(checker.getDeclaredTypeOfSymbol(symbol), visit, visitSignature, () => true);
    }
    if (symbol.flags & ts.SymbolFlags.Interface) {
      this.#visitMembers(checker.getDeclaredTypeOfSymbol(symbol), visit, visitSignature, () => true);
    }
    if (symbol.flags & ts.SymbolFlags.TypeAlias) {
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isTypeAliasDeclaration(declaration)) continue;
        const type = checker.getTypeFromTypeNode(declaration.type);
        if (type.aliasSymbol === symbol) this.#visitStructure(type, 0, found, seen);
        else visit(type, 0);
      }
    }
    found.delete(symbol);
    return found;
  }

  #visitMembers(
    type: ts.Type,
    visit: (type: ts.Type, depth: number) => void,
    visitSignature: (signature: ts.Signature) => void,
    include: (name: string) => boolean,
  ): void {
    const checker = this.#checker;
    for (const property of checker.getPropertiesOfType(type)) {
      if (!include(property.name) || property.name.startsWith('#') || isNonPublic(property)) continue;
      visit(checker.getTypeOfSymbol(property), 0);
    }
    type.getCallSignatures().forEach(visitSignature);
    for (const base of type.isClassOrInterface() ? (checker.getBaseTypes(type) ?? []) : []) visit(base, 0);
  }

  #visit(type: ts.Type, depth: number, found: Set<ts.Symbol>, seen: Set<ts.Type>): void {
    if (depth > 12 || seen.has(type)) return;
    seen.add(type);
    if (type.aliasSymbol !== undefined) {
      this.#note(type.aliasSymbol, found);
      for (const argument of type.aliasTypeArguments ?? []) this.#visit(argument, depth + 1, found, seen);
      if (this.#isOwn(type.aliasSymbol)) return;
    }
    this.#visitStructure(type, depth, found, seen);
  }

  #visitStructure(type: ts.Type, depth: number, found: Set<ts.Symbol>, seen: Set<ts.Type>): void {
    const checker = this.#checker;
    const next = (inner: ts.Type): void => this.#visit(inner, depth + 1, found, seen);
    if (type.isUnionOrIntersection()) {
      type.types.forEach(next);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const objectType = type as ts.ObjectType;
    if (objectType.objectFlags & ts.ObjectFlags.Reference) {
      checker.getTypeArguments(type as ts.TypeReference).forEach(next);
    }
    const symbol = type.getSymbol();
    if (
      symbol !== undefined &&
      symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.Enum)
    ) {
      this.#note(symbol, found);
      return;
    }
    for (const property of checker.getPropertiesOfType(type)) next(checker.getTypeOfSymbol(property));
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getParameters()) next(checker.getTypeOfSymbol(parameter));
      next(signature.getReturnType());
    }
    for (const info of checker.getIndexInfosOfType(type)) next(info.type);
  }

  #note(symbol: ts.Symbol, found: Set<ts.Symbol>): void {
    if (this.#isOwn(symbol) && !(symbol.flags & ts.SymbolFlags.TypeParameter)) found.add(symbol);
  }

  #isOwn(symbol: ts.Symbol): boolean {
    return (symbol.declarations ?? []).some((declaration) => {
      const file = declaration.getSourceFile().fileName;
      return file.startsWith(this.#packagesDir) && !file.includes('/node_modules/');
    });
  }
}

function isPrivateName(name: ts.Node | undefined): boolean {
  return name !== undefined && ts.isPrivateIdentifier(name);
}

function isNonPublic(property: ts.Symbol): boolean {
  return (property.declarations ?? []).some(
    (declaration) =>
      ts.getCombinedModifierFlags(declaration as ts.Declaration) &
        (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) ||
      isPrivateName((declaration as { readonly name?: ts.Node }).name),
  );
}

class DeclarationRenderer {
  readonly #checker: ts.TypeChecker;
  readonly #root: string;
  readonly #printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

  constructor(checker: ts.TypeChecker, root: string) {
    this.#checker = checker;
    this.#root = root;
  }

  renderExport(exportSymbol: ts.Symbol): Omit<ApiExport, 'unexported'> {
    const checker = this.#checker;
    const symbol =
      exportSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exportSymbol) : exportSymbol;
    const name = exportSymbol.name;
    const declarations = symbol.declarations ?? [];
    const first = declarations[0];
    const kind = kindOf(symbol);
    const parts: string[] = [];
    if (symbol.flags & ts.SymbolFlags.Class) parts.push(this.#renderClass(name, symbol));
    if (symbol.flags & ts.SymbolFlags.Function) parts.push(this.#renderFunction(name, symbol));
    if (symbol.flags & ts.SymbolFlags.Variable) parts.push(this.#renderVariable(name, symbol));
    if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      for (const declaration of declarations) {
        if (ts.isInterfaceDeclaration(declaration) || ts.isTypeAliasDeclaration(declaration)) {
          parts.push(this.#renderTypeDeclaration(name, declaration));
        }
      }
    }
    if (parts.length === 0) parts.push(`/* ${name}: ${ts.SymbolFlags[symbol.flags] ?? symbol.flags} */`);
    const docText = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const tags = symbol.getJsDocTags(checker);
    const typeOnly = isTypeOnlyExport(exportSymbol);
    return {
      name,
      kind,
      typeOnly,
      // A type-only export of a value (`export type { SomeClass }`) is marked; of a type, it changes nothing.
      declaration: parts
        .map(
          (part) =>
            `${typeOnly && /^(abstract |class |function |const |let )/.test(part) ? 'export type ' : 'export '}${part}`,
        )
        .join('\n'),
      documented: docText.length > 0,
      hasExample: tags.some((tag) => tag.name === 'example'),
      location: first === undefined ? name : this.#location(first),
    };
  }

  #location(node: ts.Node): string {
    const sourceFile = node.getSourceFile();
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart());
    return `${relative(this.#root, sourceFile.fileName)}:${line + 1}`;
  }

  #type(type: ts.Type, at?: ts.Node): string {
    return withoutImportPaths(this.#checker.typeToString(type, at, typeFlags));
  }

  #signature(signature: ts.Signature, at?: ts.Node): string {
    return withoutImportPaths(this.#checker.signatureToString(signature, at, typeFlags));
  }

  #print(node: ts.Node): string {
    return this.#printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile());
  }

  #renderFunction(name: string, symbol: ts.Symbol): string {
    const at = symbol.declarations?.[0];
    const type = this.#checker.getTypeOfSymbol(symbol);
    return type
      .getCallSignatures()
      .map((signature) => `function ${name}${this.#signature(signature, at)};`)
      .join('\n');
  }

  #renderVariable(name: string, symbol: ts.Symbol): string {
    const declaration = symbol.declarations?.find(ts.isVariableDeclaration);
    const list = declaration?.parent;
    const keyword =
      list !== undefined && ts.isVariableDeclarationList(list) && !(list.flags & ts.NodeFlags.Const);
    return `${keyword ? 'let' : 'const'} ${name}: ${this.#type(this.#checker.getTypeOfSymbol(symbol), declaration)};`;
  }

  #renderTypeDeclaration(
    name: string,
    declaration: ts.InterfaceDeclaration | ts.TypeAliasDeclaration,
  ): string {
    const printed = this.#print(declaration).replace(/^(export\s+)?(declare\s+)?/, '');
    // Printed under its exported name, which an `export { A as B }` may have changed.
    return printed.replace(/^(interface|type)\s+[A-Za-z0-9_$]+/, `$1 ${name}`);
  }

  #renderClass(name: string, symbol: ts.Symbol): string {
    const declaration = symbol.declarations?.find(ts.isClassDeclaration);
    if (declaration === undefined) return `class ${name} {}`;
    const typeParameters =
      declaration.typeParameters === undefined
        ? ''
        : `<${declaration.typeParameters.map((parameter) => this.#print(parameter)).join(', ')}>`;
    const heritage = (declaration.heritageClauses ?? [])
      .map((clause) => ` ${this.#print(clause).trim()}`)
      .join('');
    const abstract = declaration.modifiers?.some(
      (modifier) => modifier.kind === ts.SyntaxKind.AbstractKeyword,
    );
    const members: string[] = [];
    const seen = new Set<ts.Symbol>();
    for (const member of declaration.members) {
      const line = this.#renderMember(member, seen);
      if (line !== undefined) members.push(...line.split('\n').map((text) => `    ${text}`));
    }
    return `${abstract ? 'abstract ' : ''}class ${name}${typeParameters}${heritage} {\n${members.join('\n')}\n}`;
  }

  #renderMember(member: ts.ClassElement, seen: Set<ts.Symbol>): string | undefined {
    const checker = this.#checker;
    const modifiers = ts.getCombinedModifierFlags(member as ts.Declaration);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return undefined;
    if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) return undefined;
    const prefix = `${modifiers & ts.ModifierFlags.Static ? 'static ' : ''}${modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : ''}`;
    if (ts.isConstructorDeclaration(member)) {
      if (member.body !== undefined && hasOverloads(member)) return undefined;
      const parameters = member.parameters.map((parameter) => this.#renderParameter(parameter)).join(', ');
      return `constructor(${parameters});`;
    }
    if (ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member)) return undefined;
    if (ts.isIndexSignatureDeclaration(member)) return this.#print(member);
    const memberName = member.name === undefined ? '' : member.name.getText();
    const memberSymbol = member.name === undefined ? undefined : checker.getSymbolAtLocation(member.name);
    if (memberSymbol === undefined) return undefined;
    if (ts.isMethodDeclaration(member)) {
      if (seen.has(memberSymbol)) return undefined;
      seen.add(memberSymbol);
      const type = checker.getTypeOfSymbolAtLocation(memberSymbol, member);
      return type
        .getCallSignatures()
        .map((signature) => `${prefix}${memberName}${this.#signature(signature, member)};`)
        .join('\n');
    }
    const type = this.#type(checker.getTypeOfSymbolAtLocation(memberSymbol, member), member);
    if (ts.isGetAccessorDeclaration(member)) return `${prefix}get ${memberName}(): ${type};`;
    if (ts.isSetAccessorDeclaration(member)) return `${prefix}set ${memberName}(value: ${type});`;
    const optional = ts.isPropertyDeclaration(member) && member.questionToken !== undefined ? '?' : '';
    return `${prefix}${memberName}${optional}: ${type};`;
  }

  #renderParameter(parameter: ts.ParameterDeclaration): string {
    const checker = this.#checker;
    const modifiers = ts.getCombinedModifierFlags(parameter);
    const visibility =
      modifiers & ts.ModifierFlags.Public
        ? 'public '
        : modifiers & ts.ModifierFlags.Readonly
          ? 'readonly '
          : '';
    const symbol = checker.getSymbolAtLocation(parameter.name);
    const type = symbol === undefined ? 'unknown' : this.#type(checker.getTypeOfSymbol(symbol), parameter);
    const optional = parameter.questionToken !== undefined || parameter.initializer !== undefined ? '?' : '';
    return `${visibility}${parameter.dotDotDotToken ? '...' : ''}${parameter.name.getText()}${optional}: ${type}`;
  }
}

/**
 * The checker names a type it cannot reach from where it prints by its file,
 * `import("/abs/path/x").Name`: the name alone keeps the report the same on every machine.
 */
function withoutImportPaths(text: string): string {
  return text.replace(/import\("[^"]*"\)\./g, '');
}

function hasOverloads(member: ts.ConstructorDeclaration): boolean {
  return member.parent.members.filter(ts.isConstructorDeclaration).length > 1;
}

function kindOf(symbol: ts.Symbol): ApiExportKind {
  if (symbol.flags & ts.SymbolFlags.Class) return 'class';
  if (symbol.flags & ts.SymbolFlags.Function) return 'function';
  if (symbol.flags & ts.SymbolFlags.Variable) return 'const';
  if (symbol.flags & ts.SymbolFlags.Interface) return 'interface';
  if (symbol.flags & ts.SymbolFlags.TypeAlias) return 'type';
  if (symbol.flags & ts.SymbolFlags.Module) return 'namespace';
  return 'other';
}

/** `export type { X }` or `export { type X }` anywhere on the first hop of the re-export. */
function isTypeOnlyExport(exportSymbol: ts.Symbol): boolean {
  const declaration = exportSymbol.declarations?.[0];
  if (declaration === undefined || !ts.isExportSpecifier(declaration)) return false;
  return declaration.isTypeOnly || declaration.parent.parent.isTypeOnly;
}

/** The folder a report is written to, `api/` at the repo root. */
export function reportDirectory(root: string): string {
  return `${root}/api`;
}

/** The repo root as seen from this file (`scripts/api-report/`). */
export const repoRoot: string = dirname(dirname(dirname(new URL(import.meta.url).pathname)));
