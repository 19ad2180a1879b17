import { defineStrings } from '../../lib/i18n/define.ts';

/** Strings of live video: the video wall and the vehicle panel's video. */
export const videoStrings = defineStrings(
  'video',
  {
    wall: {
      title: '视频墙',
      layout: '分屏',
      empty: '尚无无人机接入',
      pick: '选择无人机',
    },
    tile: {
      connecting: '连接中…',
      starting: '正在接入视频…',
      noSignal: '无信号',
      unavailable: '无视频源',
      snapshot: '截图',
      evidenceSaved: '截图已存为证据（{{id}}）',
      alt: '高度 {{alt}} 米',
      age: '延迟 {{ms}} 毫秒',
    },
    panel: {
      title: '实时视频',
      open: '在视频墙中查看',
    },
    camera: {
      title: '机载相机',
      none: '尚未发现相机',
      unnamed: '未命名相机',
      component: '组件 {{id}}',
      noStreams: '未公布视频流',
      fps: '{{fps}} 帧/秒',
      stills: '本架次照片',
      noStills: '本架次暂无照片',
      stillAlt: '高度 {{alt}} 米处拍摄的照片',
      fetching: '正在取回…',
      notFetched: '未能取回',
    },
  },
  {
    wall: {
      title: 'Video wall',
      layout: 'Layout',
      empty: 'No aircraft connected yet',
      pick: 'Choose aircraft',
    },
    tile: {
      connecting: 'Connecting…',
      starting: 'Starting video…',
      noSignal: 'No signal',
      unavailable: 'No video source',
      snapshot: 'Snapshot',
      evidenceSaved: 'Snapshot stored as evidence ({{id}})',
      alt: 'Alt {{alt}} m',
      age: 'Delay {{ms}} ms',
    },
    panel: {
      title: 'Live video',
      open: 'Open in the video wall',
    },
    camera: {
      title: 'Cameras',
      none: 'No camera found yet',
      unnamed: 'Unnamed camera',
      component: 'component {{id}}',
      noStreams: 'No video stream announced',
      fps: '{{fps}} fps',
      stills: 'Stills of the sortie',
      noStills: 'No stills in this sortie yet',
      stillAlt: 'Still taken at {{alt}} m',
      fetching: 'Fetching…',
      notFetched: 'Could not be fetched',
    },
  },
);
