/**
 * Every threshold the image-analysis rules use, in one place, with where it comes from.
 *
 * Colour values are 0..255 per channel on block-averaged cells (see raster.ts); hue in degrees,
 * saturation and value 0..1 (HSV) unless a rule's source says otherwise. Scores are not
 * probabilities: they are fixed levels chosen against the ticket desk's default policy
 * (server tickets: auto-file at 0.6 fire_smoke / 0.8 construction / 0.75 river_pollution,
 * triage from 0.25-0.3). A colour rule on a single still image is only ever good enough for a
 * person to look at (triage); only corroborated evidence (persistence over consecutive frames,
 * change against a baseline) scores high enough to file a ticket by itself.
 *
 * Apart from the smoke texture and tint bounds (FIRE.smokeMaxTexture, FIRE.smokeMinBlueTint, set
 * from measurements on the samples and said so there), none of these values was fitted to the
 * sample images in ../shared/samples: the colour bounds are the published ones, the sizes are
 * round shares of the image. The evaluation (inference/eval/evaluate.ts) reports what they give.
 */

export const RULES_VERSION = '1.1.0';

/** Grid resolution: cells along the long side (raster.ts). */
export const GRID_MAX_CELLS = 240;

export const FIRE = {
  /**
   * Chen, Wu & Chiou, "An early fire-detection method based on image processing", ICIP 2004:
   * R > R_T, R >= G > B, S >= (255 - R) * S_T / R_T with S the HSI saturation in percent.
   * The paper gives R_T 115..135 and S_T 55..65; the middle of each range is used.
   */
  chenRT: 125,
  chenST: 60,
  /**
   * Celik & Demirel, "Fire detection in video sequences using a generic color model", Fire
   * Safety Journal 44 (2009): Y >= Cb, Cr >= Cb, |Cb - Cr| >= tau with tau = 40, and
   * Y >= mean Y of the image (flames are brighter than the scene around them).
   */
  celikTau: 40,
  /**
   * A flame blob covers at least this share of the image (0.1%: ~65 px in a 256 px image, a
   * 30 x 30 px patch of a 1280 x 720 frame). 0.05% let orange specks (a tail light, a sign) of the
   * demo scene's street photos through in 4 of 60 views around the planted fire (24 x 24 px blobs,
   * 0.06%); the smallest flame the fire samples' rule found is 3.8% of its image.
   */
  minFlameArea: 0.001,
  /** At most this many blobs of each kind are reported per image, largest first. */
  maxBlobs: 5,
  /**
   * Chen, Yin, Huang & Ye, "The smoke detection for early fire-alarming system base on video
   * processing", IIH-MSP 2006: grey pixels, max(R,G,B) - min(R,G,B) < alpha (alpha 15..20),
   * intensity (R+G+B)/3 within 80..220 (dark to light grey). Black smoke darker than 80 is missed.
   */
  smokeAlpha: 20,
  smokeMinI: 80,
  smokeMaxI: 220,
  /** Smoke must be a large region: grey is everywhere in a city (roads, concrete, overcast sky). */
  minSmokeArea: 0.05,
  /**
   * Grey is not enough (a city is grey: asphalt, concrete, cobbles, walls, cars). A smoke blob must
   * also be smooth and faintly blue, as smoke is (it blurs what is behind it, and its fine particles
   * scatter blue light more than red; Töreyin et al. 2005 use the loss of high-frequency detail):
   *  - texture: the mean luminance step between 4-neighbouring cells of the blob, at most
   *    `smokeMaxTexture` (0..255 levels per cell step);
   *  - tint: the mean B - R over the blob's cells, at least `smokeMinBlueTint` levels.
   * These two bounds are NOT published values: they were set between what the samples measure
   * (ticket-desk context: a smoke false positive sent verification flights back "present").
   * Smoke regions of the fire/smoke samples: texture 2.2..6.0, tint 4.3..12; grey regions of the
   * negatives and of the demo scene's ground: texture 8.5..19.8, or tint -13..1.0 (flat painted
   * surfaces and rendered fills are smooth but neutral). analysis.test.ts checks every negative.
   */
  smokeMaxTexture: 6.5,
  smokeMinBlueTint: 3,
  /** Smoke counts as "with flame" when its box is within this share of the image diagonal of a flame box. */
  smokeNearFlame: 0.05,
  /**
   * Persistence: a blob is confirmed when the same label was seen at the same place in the
   * previous N-1 frames: within `persistMaxGroundM` on the ground when frames carry a pose
   * (about twice the single-frame georeferencing error at 100 m, see bench georef), else boxes
   * overlapping with IoU >= `persistMinIou` in frames with the same place key.
   */
  persistFrames: 3,
  persistMinIou: 0.3,
  persistMaxGroundM: 10,
  /** Frames older than this no longer count towards persistence. */
  persistMaxGapMs: 5_000,
  score: {
    flameStill: 0.5,
    flamePersistent: 0.8,
    smokeStill: 0.3,
    smokeWithFlameStill: 0.5,
    smokePersistent: 0.45,
    smokeWithFlamePersistent: 0.7,
  },
} as const;

export const CONSTRUCTION = {
  /**
   * Blue colour-steel roofs (彩钢瓦), the usual material of unpermitted sheds: a strongly
   * saturated mid-bright blue. Sky is blue too but paler (S ~0.3-0.5) and brighter, and it
   * touches the top of an oblique frame: blobs touching the top edge are not roofs.
   */
  roofHueMin: 195,
  roofHueMax: 235,
  roofSatMin: 0.5,
  roofValMin: 0.35,
  roofValMax: 0.85,
  /** A roof is compact: it fills at least this share of its bounding box. */
  roofMinFill: 0.5,
  roofMinArea: 0.002,
  /**
   * Bare earth (cleared or excavated ground): brown to tan, low to moderate saturation, not
   * green. Farmland in winter and unpaved lots look the same: a weak cue on its own.
   */
  earthHueMin: 15,
  earthHueMax: 45,
  earthSatMin: 0.15,
  earthSatMax: 0.65,
  earthValMin: 0.25,
  earthValMax: 0.9,
  earthMinArea: 0.08,
  /** COCO labels that stand for construction machinery (the COCO models have no excavator class). */
  machineryLabels: ['truck'] as readonly string[],
  /** Minimum score of a COCO machinery box to be used. */
  machineryMinScore: 0.3,
  score: {
    roofStill: 0.45,
    bareEarthStill: 0.35,
    machineryOnBareEarth: 0.55,
  },
} as const;

export const WATER = {
  /**
   * Open water seen from above: blue-green and darker than sky (rivers, canals, sea near shore).
   * Hue 150..210 deg, S >= 0.15, V 0.08..0.65.
   */
  hueMin: 150,
  hueMax: 210,
  satMin: 0.15,
  valMin: 0.08,
  valMax: 0.65,
  /** The water region must be at least this share of the image to look for things floating on it. */
  minWaterArea: 0.2,
  /** A floating object: a non-water blob of this size whose neighbouring cells are mostly water. */
  minObjectArea: 0.003,
  maxObjectArea: 0.6,
  minWaterAround: 0.6,
  score: { floatingObjectStill: 0.5 },
} as const;

export const CHANGE = {
  /** Ground grid: cell size in metres, cells per baseline tile side. */
  cellM: 1,
  tileCells: 64,
  /**
   * A cell has changed when its colour differs from every baseline cell within `searchCells`
   * (tolerance for pose error between patrols) by more than these: chromaticity distance in
   * r,g (0..1 scale) or brightness ratio (after matching the two frames' median brightness).
   */
  searchCells: 2,
  chromaDelta: 0.08,
  brightnessRatio: 1.6,
  /** A change region must cover at least this many square metres. */
  minChangeM2: 6,
  /** A change on water smaller than this is `floating-debris`, a larger one `discoloured-water`. */
  debrisMaxM2: 100,
  score: { newStructure: 0.65, waterChange: 0.65 },
} as const;
