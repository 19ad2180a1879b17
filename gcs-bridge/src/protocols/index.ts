/**
 * MAVLink protocol transactions of the bridge: command, mission (upload, download, clear),
 * parameters, message intervals and camera discovery. Each is a pure `step(state, event)` plus a driver that
 * runs it against a MessagePort with one real timer; results are Result values with stable
 * codes. The step functions are exported for tests and for composing new transactions.
 */
export type { CameraDiscoveryConfig, CameraDiscoveryResult, CameraDiscoveryState } from './camera.ts';
export {
  CAMERA_COMPIDS,
  CAMERA_QUIRKS,
  cameraDiscoveryStep,
  discoverCamera,
  eulerDegFromQuaternion,
  imageFromMessage,
  initialCameraDiscoveryState,
  isCameraHeartbeat,
  streamFromMessage,
} from './camera.ts';
export type {
  CommandAccepted,
  CommandConfig,
  CommandErrorCode,
  CommandOptions,
  CommandParams,
  CommandProgress,
  CommandResult,
  CommandSpec,
  CommandState,
} from './command.ts';
export {
  buildCommandMessage,
  checkCommandSpec,
  commandStep,
  initialCommandState,
  MavResult,
  mavResultName,
  runCommand,
} from './command.ts';
export type {
  RequestMessageConfig,
  RequestMessageOptions,
  RequestMessageResult,
  RequestMessageState,
  SetIntervalOptions,
} from './intervals.ts';
export {
  initialRequestMessageState,
  intervalUsFromHz,
  MAV_CMD_REQUEST_MESSAGE,
  MAV_CMD_SET_MESSAGE_INTERVAL,
  requestMessage,
  requestMessageStep,
  setMessageInterval,
} from './intervals.ts';
export type {
  DriveOptions,
  Effect,
  GcsIdentity,
  ProtocolEvent,
  RunOptions,
  Step,
  StepFn,
  Target,
} from './machine.ts';
export {
  DEFAULT_GCS,
  DEFAULT_ITEM_TIMEOUT_MS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUT_MS,
  drive,
} from './machine.ts';
export type { ClearConfig, ClearOptions, ClearResult, ClearState } from './mission-clear.ts';
export { clearMission, clearStep, initialClearState } from './mission-clear.ts';
export type { MissionErrorCode } from './mission-common.ts';
export {
  checkUploadItems,
  MavMissionResult,
  MISSION_TYPE_ALL,
  missionResultName,
} from './mission-common.ts';
export type {
  DownloadConfig,
  DownloadOptions,
  DownloadProgress,
  DownloadResult,
  DownloadState,
  DownloadSuccess,
} from './mission-download.ts';
export { downloadMission, downloadStep, initialDownloadState } from './mission-download.ts';
export type {
  UploadConfig,
  UploadOptions,
  UploadProgress,
  UploadResult,
  UploadState,
  UploadSuccess,
} from './mission-upload.ts';
export { initialUploadState, uploadMission, uploadStep } from './mission-upload.ts';
export type { ParamEncoding } from './param-encoding.ts';
export {
  checkParamValue,
  decodeParamValue,
  encodeParamValue,
  MavParamType,
  paramTypeName,
  sameParamValue,
} from './param-encoding.ts';
export type {
  ParamEntry,
  ParamErrorCode,
  ParamList,
  ParamProgress,
  ReadAllConfig,
  ReadAllOptions,
  ReadAllResult,
  ReadAllState,
  ReadParamConfig,
  ReadParamOptions,
  ReadParamResult,
  ReadParamState,
  SetParamConfig,
  SetParamOptions,
  SetParamResult,
  SetParamState,
} from './params.ts';
export {
  checkParamId,
  initialReadAllState,
  initialReadParamState,
  initialSetParamState,
  readAllParams,
  readAllStep,
  readParam,
  readParamStep,
  setParam,
  setParamStep,
} from './params.ts';
