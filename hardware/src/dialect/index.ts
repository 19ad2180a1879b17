/**
 * @aerie/hardware/dialect: the dock dialect (hardware/dialects/aerie_dock.xml) as node-mavlink
 * classes and enums (generated), and the names the dock's states go by.
 */
export * from './aerie-dock.ts';
export * from './state-names.ts';
