/*
 * litgan.h - the one header a plugin or a student file includes: the plugin SDK
 * (litgan/plugin.h). Programs that drive the engine include litgan/engine.h;
 * labs include litgan/course.h.
 */
#ifndef LITGAN_H
#define LITGAN_H
#include "litgan/plugin.h"
#endif
