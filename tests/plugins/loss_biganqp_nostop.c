/*
 * loss_biganqp_nostop.c - plugins/biganqp.c compiled with lg_stop_gradient
 * replaced by the identity, so both guidance terms train both G and E.
 * test_losses.c runs its stopped-gradient check on this plugin too, to prove the
 * check can fail (it must find a non-zero leak into G and into E).
 */
#include "litgan.h"

#define lg_stop_gradient(t, a) ((void)(t), (a))
#include "../../plugins/biganqp.c"
