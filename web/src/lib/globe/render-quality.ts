/**
 * How finely the globe draws on this machine. A command-centre workstation has a GPU; a
 * virtual desktop or a machine without one gets a software WebGL renderer (SwiftShader,
 * llvmpipe), where every pixel costs CPU time that the live fleet and the rest of the page
 * need. There the globe draws at three quarters of the resolution in each direction (a little
 * over half the pixels): labels on the globe stay legible, which at half resolution they were
 * not, and the panels around it stay sharp.
 */

/** Renderer names of WebGL implementations that draw on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render driver/i;

/** Drawing-buffer scale on a software renderer. */
export const SOFTWARE_SCALE = 0.75;

export interface RenderQuality {
  /** The WebGL renderer as the browser names it (null when it does not say). */
  renderer: string | null;
  software: boolean;
  /** Cesium's `resolutionScale`: drawing-buffer pixels per CSS pixel, before device pixel ratio. */
  resolutionScale: number;
}

/** The quality to draw at for a renderer name (pure: the name decides). */
export function renderQualityFor(renderer: string | null): RenderQuality {
  const software = renderer !== null && SOFTWARE_RENDERER.test(renderer);
  return { renderer, software, resolutionScale: software ? SOFTWARE_SCALE : 1 };
}

/** The browser's unmasked WebGL renderer name, from a throwaway context (released at once). */
export function webglRendererName(): string | null {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return null;
  try {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}
