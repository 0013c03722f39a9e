// Board pins, in one place. Choose the board below (exactly one; or with -D on the command line):
// with none chosen the build stops here rather than drive the wrong pins.
#pragma once

#if !defined(CAMERA_MODEL_AI_THINKER) && !defined(SPMS_NO_DEFAULT_BOARD)
#define CAMERA_MODEL_AI_THINKER
#endif

#if defined(CAMERA_MODEL_AI_THINKER)
// AI-Thinker ESP32-CAM (ESP32-D0WD, 4 MB flash, 4 MB PSRAM, OV2640). Pins as in Espressif's
// CameraWebServer example (camera_pins.h).
#define PWDN_GPIO_NUM 32
#define RESET_GPIO_NUM -1
#define XCLK_GPIO_NUM 0
#define SIOD_GPIO_NUM 26
#define SIOC_GPIO_NUM 27
#define Y9_GPIO_NUM 35
#define Y8_GPIO_NUM 34
#define Y7_GPIO_NUM 39
#define Y6_GPIO_NUM 36
#define Y5_GPIO_NUM 21
#define Y4_GPIO_NUM 19
#define Y3_GPIO_NUM 18
#define Y2_GPIO_NUM 5
#define VSYNC_GPIO_NUM 25
#define HREF_GPIO_NUM 23
#define PCLK_GPIO_NUM 22
#define FLASH_LED_GPIO_NUM 4

// Gate wiring. The SD slot is not used (it would take GPIO 2, 4, 12-15); GPIO 12 is a strapping
// pin (flash voltage) and GPIO 16 is the PSRAM's, so neither is used.
#define SENSOR_IR_GPIO_NUM 13        // IR break-beam receiver output, active LOW when the beam is broken
#define SENSOR_TRIG_GPIO_NUM 15      // HC-SR04 trigger
#define SENSOR_ECHO_GPIO_NUM 13      // HC-SR04 echo, through a 5 V → 3.3 V divider
#define SERVO_GPIO_NUM 14            // barrier servo signal
#define BARRIER_CLOSED_GPIO_NUM 2    // optional closed-limit switch to GND (-1: none fitted)
#define BARRIER_SWITCH_FITTED 0

// The camera's XCLK uses LEDC timer 0 / channel 0 in low-speed mode (esp32-camera); the servo takes
// timer 2 / channel 4 of the same group, so neither can retune the other.
#define CAMERA_LEDC_TIMER LEDC_TIMER_0
#define CAMERA_LEDC_CHANNEL LEDC_CHANNEL_0
#define SERVO_LEDC_TIMER LEDC_TIMER_2
#define SERVO_LEDC_CHANNEL LEDC_CHANNEL_4
#define SERVO_CLOSED_US 1000         // pulse width with the boom down
#define SERVO_OPEN_US 2000           // …and up (set for your servo and linkage)

#else
#error "No board chosen: define CAMERA_MODEL_AI_THINKER in board_config.h (see firmware/README.md)"
#endif

#if defined(SERVO_LEDC_TIMER) && defined(CAMERA_LEDC_TIMER)
static_assert(SERVO_LEDC_TIMER != CAMERA_LEDC_TIMER, "the servo must not share the camera's LEDC timer");
static_assert(SERVO_LEDC_CHANNEL != CAMERA_LEDC_CHANNEL, "the servo must not share the camera's LEDC channel");
#endif
