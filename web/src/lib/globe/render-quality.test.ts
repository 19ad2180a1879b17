import { describe, expect, it } from 'vitest';
import { renderQualityFor, SOFTWARE_SCALE } from './render-quality.ts';

describe('renderQualityFor', () => {
  it.each([
    'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL ES 3.2)',
    'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
  ])('draws at reduced resolution on a software renderer: %s', (name) => {
    expect(renderQualityFor(name)).toEqual({
      renderer: name,
      software: true,
      resolutionScale: SOFTWARE_SCALE,
    });
    expect(SOFTWARE_SCALE).toBeLessThan(1);
  });

  it.each([
    'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)',
    'ANGLE (Intel, Mesa Intel(R) UHD Graphics 630 (CFL GT2), OpenGL 4.6)',
    'Apple M2',
  ])('draws at full resolution on a GPU: %s', (name) => {
    expect(renderQualityFor(name)).toMatchObject({ software: false, resolutionScale: 1 });
  });

  it('assumes a GPU when the browser does not name its renderer', () => {
    expect(renderQualityFor(null)).toMatchObject({ software: false, resolutionScale: 1 });
  });
});
