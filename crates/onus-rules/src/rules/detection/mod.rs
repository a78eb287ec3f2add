pub(crate) mod threat_detection_off;
