import { describe, expect, it } from 'vitest';
import { inferRole, promoteErrorLosses, Series, type Role } from '../../../src/core/model';

// Names taken from the real logs in test/fixtures/real and the format specs.
describe('inferRole(name) reads roles from names as written', () => {
  it.each<[string, Role]>([
    ['loss', 'train_loss'],
    ['train_loss', 'train_loss'],
    ['Train Loss', 'train_loss'],
    ['train/loss', 'train_loss'],
    ['train loss', 'train_loss'],
    ['total_loss', 'train_loss'],
    // MTCNN: `det loss: .., bbox loss: .., all_loss: ..` (all_loss is their sum)
    ['all_loss', 'train_loss'],
    ['overall loss', 'train_loss'],
    ['epoch_loss', 'train_loss'],
    ['train_loss_epoch', 'train_loss'],
    ['train', 'train_loss'],
    // Megatron-LM's language-model loss
    ['lm loss', 'train_loss'],
    ['lm_loss', 'train_loss'],
    ['val_loss', 'val_loss'],
    ['Val Loss', 'val_loss'],
    ['val loss', 'val_loss'],
    ['eval_loss', 'val_loss'],
    ['eval/loss', 'val_loss'],
    ['valid_loss', 'val_loss'],
    ['validation_loss', 'val_loss'],
    ['evaluation_loss_vs_iterations', 'val_loss'],
    ['val/box_loss', 'val_loss'],
    // catsdogs' tqdm postfix: `trn_loss`, `tst_loss`
    ['trn_loss', 'train_loss'],
    ['tst_loss', 'val_loss'],
    ['val', 'val_loss'],
    ['ValLoss', 'val_loss'],
    ['valLoss', 'val_loss'],
    ['Validation Loss', 'val_loss'],
    ['test Loss', 'val_loss'],
    ['Test Average loss', 'val_loss'],
    ['Average Train Loss', 'train_loss'],
    ['Training Loss', 'train_loss'],
    ['avg loss', 'train_loss'],
    ['Batch loss', 'train_loss'],
    ['Training Phase Loss', 'train_loss'],
    ['训练损失', 'train_loss'],
    ['Loss/Train_Batch', 'train_loss'],
    ['train_L_vae', 'loss_part'],
    ['val_L_vae', 'val_loss'],
    // a captioner's scores: ROUGE_L's `_L` is no loss (held-out batch 9)
    ['ROUGE_L', 'other'],
    ['Bleu_4', 'other'],
    ['CIDEr', 'other'],
    // a cost is the loss of older training loops; a time cost is not
    ['Cost', 'train_loss'],
    ['train_cost', 'train_loss'],
    ['avg cost', 'train_loss'],
    ['val_cost', 'val_loss'],
    ['time cost', 'other'],
    ['cost time', 'other'],
    ['avg_batch_cost', 'other'],
    ['avg_reader_cost', 'other'],
    ['LR', 'lr'],
    ['Loss/Train_Epoch', 'train_loss'],
    ['loss/train', 'train_loss'],
    ['Loss/Val_Epoch', 'val_loss'],
    ['验证损失', 'val_loss'],
    ['损失', 'train_loss'],
    ['Validation Phase Loss', 'val_loss'],
    ['train epoch avg loss', 'train_loss'],
    ['aAcc', 'other'],
    ['loss_cls', 'loss_part'],
    ['loss_box_reg', 'loss_part'],
    ['train/box_loss', 'loss_part'],
    ['decode.loss_ce', 'loss_part'],
    ['kl_loss', 'loss_part'],
    ['lr', 'lr'],
    ['LR', 'lr'],
    ['learning_rate', 'lr'],
    ['lr-Adam', 'lr'],
    ['x/lr0', 'lr'],
    ['lr/pg0', 'lr'],
    ['base_lr', 'lr'],
    ['grad_norm', 'grad_norm'],
    ['gnorm', 'grad_norm'],
    ['norm', 'grad_norm'],
    // `step | loss | lr | grad` (a pretraining loop's print)
    ['grad', 'grad_norm'],
    ['grad_scale', 'other'],
    ['accuracy', 'train_acc'],
    ['train_acc', 'train_acc'],
    ['val_accuracy', 'val_acc'],
    ['eval_accuracy', 'val_acc'],
    ['fast_rcnn/cls_accuracy', 'train_acc'],
    ['loss_scale', 'other'],
    ['epoch', 'other'],
    ['eval_wer', 'other'],
    ['metrics/mAP50(B)', 'other'],
    ['hella', 'other'],
    ['time', 'other'],
    ['train_time', 'other'],
    // Loss families named without `loss`: OpenNMT-py's `xent`, MXNet SSD's `Train-SmoothL1`,
    // BasicSR's `l_pix`, YOLOv10's one-to-many / one-to-one heads.
    ['xent', 'train_loss'],
    ['val_xent', 'val_loss'],
    ['Validation xent', 'val_loss'],
    ['nll', 'train_loss'],
    ['avg_nll', 'train_loss'],
    ['train_ce', 'train_loss'],
    ['bce', 'train_loss'],
    ['cross_entropy', 'train_loss'],
    ['ce_img', 'loss_part'],
    ['Train-SmoothL1', 'loss_part'],
    ['smooth_l1', 'loss_part'],
    ['focal', 'loss_part'],
    ['giou', 'loss_part'],
    ['val_giou', 'val_loss'],
    ['l_pix', 'loss_part'],
    ['l_g_percep', 'loss_part'],
    ['l_d_real', 'loss_part'],
    ['train/box_om', 'loss_part'],
    ['train/cls_oo', 'loss_part'],
    ['train/dfl_om', 'loss_part'],
    ['train/seg', 'loss_part'],
    ['val/box_om', 'val_loss'],
    ['val/cls_oo', 'val_loss'],
    // ... and the names beside them that are not losses
    ['l1_reg', 'other'],
    ['l_rate', 'other'],
    ['iou', 'other'],
    ['val/iou', 'other'],
    ['Val mIoU', 'other'],
    ['mAP', 'other'],
    ['val/cls_map50', 'other'],
    ['clip', 'other'],
    ['cls_acc', 'train_acc'],
    ['train/cls_acc', 'train_acc'],
    ['ce_acc', 'train_acc'],
    ['face', 'other'],
    ['dice', 'other'],
    ['dice_coef', 'other'],
    ['kl', 'other'],
    // error measures as often reported beside the loss as they are the loss: not losses by name
    ['mse', 'other'],
    ['mae', 'other'],
    ['val_mse', 'other'],
    ['Validation L1', 'other'],
    // perplexity is exp(loss): beside a loss it would report the same run twice
    ['ppl', 'other'],
    ['Validation perplexity', 'other'],
    ['val_perplexity', 'other'],
  ])('%j -> %s', (name, role) => {
    expect(inferRole(name)).toBe(role);
  });
});

// A regression that logs only error measures (oedometer-style `epoch,train_mse,train_rmse,
// train_mae,train_r2,val_mse,...`): the MSE is its loss. Beside a loss, an MSE stays a metric.
describe('promoteErrorLosses(series): an error measure is the loss of a run without one', () => {
  const mk = (...names: string[]) => names.map(n => new Series(n));
  it('takes the MSE (then RMSE, then MAE) of each subset', () => {
    const s = mk('train_mse', 'train_rmse', 'train_mae', 'train_r2', 'val_mse', 'val_rmse', 'val_mae', 'val_r2');
    expect(promoteErrorLosses(s)).toBe(true);
    expect(s.map(x => x.role)).toEqual(['train_loss', 'other', 'other', 'other', 'val_loss', 'other', 'other', 'other']);
    const r = mk('Train RMSE', 'valRMSE', 'val_mae', 'mae_std');
    expect(promoteErrorLosses(r)).toBe(true);
    expect(r.map(x => x.role)).toEqual(['train_loss', 'val_loss', 'other', 'other']);
  });
  it('leaves a run with a loss alone, and a run with no error measure', () => {
    const s = mk('loss', 'mae', 'val_loss', 'val_mae');
    expect(promoteErrorLosses(s)).toBe(false);
    expect(s.map(x => x.role)).toEqual(['train_loss', 'other', 'val_loss', 'other']);
    const t = mk('accuracy', 'val_accuracy', 'mse_weight');
    expect(promoteErrorLosses(t)).toBe(false);
    expect(t.map(x => x.role)).toEqual(['train_acc', 'val_acc', 'other']);
  });
});
