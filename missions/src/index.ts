/**
 * @aerie/missions: the pure planning library. Route files in, MAVLink mission items out;
 * validation, summaries, survey/corridor/orbit patterns, zones and geofences, camera geometry
 * (pixels <-> ground). No I/O here (the CLI adapter lives in ./cli).
 */

export * from './camera/index.ts';
export * from './capture.ts';
export * from './convert.ts';
export * from './flight-path.ts';
export * from './formats/aerie-route.ts';
export * from './formats/geojson.ts';
export * from './formats/kml.ts';
export * from './formats/parse.ts';
export * from './formats/parse-result.ts';
export * from './formats/qgc-plan.ts';
export * from './geo.ts';
export * from './items.ts';
export * from './patterns/camera.ts';
export * from './patterns/corridor.ts';
export * from './patterns/orbit.ts';
export * from './patterns/survey.ts';
export * from './route.ts';
export * from './schedule/index.ts';
export * from './summary.ts';
export * from './validate.ts';
export * from './zones.ts';
