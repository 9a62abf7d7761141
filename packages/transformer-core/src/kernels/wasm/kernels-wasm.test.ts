import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, generatedModule, generatedPath, WASM_KERNELS } from '../../../scripts/build-wasm.js';

// Section ids of a WebAssembly binary (after the 8-byte header: id byte, LEB128 size, payload).
function sectionIds(binary: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < binary.length) {
    const id = binary[at++] as number;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = binary[at++] as number;
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const DATA_SECTION = 11;

describe('generated kernel modules', () => {
  it.each(WASM_KERNELS)(
    'src/kernels/wasm/%s-wasm.ts is its assembly/ source compiled (run build:wasm after editing)',
    async (name) => {
      const binary = await compileKernel(name);
      expect(readFileSync(generatedPath(name), 'utf8')).toBe(generatedModule(name, binary));
      // It imports only memory and writes nothing at instantiation (no data segment), so it can share the tfjs
      // wasm heap without clobbering it.
      const module = new WebAssembly.Module(binary);
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      expect(sectionIds(binary)).not.toContain(DATA_SECTION);
      expect(sectionIds(binary)).toContain(10); // the code section, so the scan did read the binary
    },
    60_000,
  );
});
