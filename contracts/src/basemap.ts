/**
 * The default basemap's colours, agreed between the server (which draws its vector tiles as PNG
 * for the globe) and the web planner (which styles the same tiles in MapLibre), so the two views
 * look alike. Its own entry point (`@aerie/contracts/basemap`) keeps the browser bundle free of
 * the schemas.
 */
export const BASEMAP_COLORS = {
  sea: '#0b2540',
  land: '#17324d',
  coast: '#5b8db8',
  water: '#2f6fa8',
  country: '#e2e8f0',
  province: '#cbd5e1',
  city: '#94a3b8',
} as const;
