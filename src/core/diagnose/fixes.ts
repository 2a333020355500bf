/**
 * The catalogue of fixes: for each finding kind, what to try, in the order to try it, with a
 * short PyTorch snippet where one helps. Titles and details live in the i18n catalogues
 * (`fix.<id>.title` / `fix.<id>.detail`); snippets are the same in every language.
 *
 * Orderings follow the seed's diagnosis table (NaN -> lower LR + gradient clipping; loss not
 * falling -> raise LR, check initialisation; validation rising -> regularisation, early
 * stopping; oscillation -> larger batch, lower LR) and the repair orders of AUTOTRAINER,
 * DeepDiagnosis and large-model training practice (see docs/research/diagnostics.md).
 */
import { t, type MessageKey, type Params } from '../i18n';
import type { FindingKind, Fix, Lang } from './types';

export type FixId =
  | 'lowerLr'
  | 'raiseLr'
  | 'clipGrad'
  | 'warmup'
  | 'checkInputs'
  | 'stableLoss'
  | 'mixedPrecision'
  | 'detectAnomaly'
  | 'showNanLosses'
  | 'rewindCheckpoint'
  | 'inspectBatches'
  | 'lowerAdamEps'
  | 'largerBatch'
  | 'reduceLrOnPlateau'
  | 'checkInit'
  | 'overfitOneBatch'
  | 'checkTrainingLoop'
  | 'checkLabels'
  | 'earlyStopping'
  | 'saveBest'
  | 'weightDecay'
  | 'dropout'
  | 'dataAugmentation'
  | 'smallerModel'
  | 'biggerModel'
  | 'trainLonger'
  | 'lessRegularization'
  | 'normLayers'
  | 'activation'
  | 'checkFrozen'
  | 'reweightLosses'
  | 'normalizeLossScales'
  | 'adaptiveWeighting'
  | 'useSuggestedLr'
  | 'oneCycle'
  | 'resumeState'
  | 'separateRuns';

/** PyTorch snippets; {placeholders} are filled from the fix parameters. */
export const FIX_CODE: Partial<Record<FixId, string>> = {
  lowerLr: `for g in optimizer.param_groups:
    g["lr"] *= 0.1`,
  raiseLr: `for g in optimizer.param_groups:
    g["lr"] *= 3`,
  clipGrad: `loss.backward()
torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
optimizer.step()`,
  warmup: `warmup_steps = 1000
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda step: min(1.0, (step + 1) / warmup_steps))
# call scheduler.step() after every optimizer.step()`,
  checkInputs: `assert torch.isfinite(inputs).all(), "non-finite input"
assert torch.isfinite(targets).all(), "non-finite target"`,
  stableLoss: `criterion = torch.nn.BCEWithLogitsLoss()   # not sigmoid + BCELoss
loss = criterion(logits, targets.float())
# multi-class: F.cross_entropy(logits, labels) on raw logits, no softmax`,
  mixedPrecision: `with torch.autocast("cuda", dtype=torch.bfloat16):
    loss = criterion(model(inputs), targets)
# fp16 instead: scaler = torch.cuda.amp.GradScaler()
# scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()`,
  detectAnomaly: `torch.autograd.set_detect_anomaly(True)  # debug runs only: slow`,
  showNanLosses: `args = TrainingArguments(..., logging_nan_inf_filter=False)`,
  rewindCheckpoint: `ckpt = torch.load("checkpoint_before_onset.pt")
model.load_state_dict(ckpt["model"])
optimizer.load_state_dict(ckpt["optimizer"])
for g in optimizer.param_groups:
    g["lr"] *= 0.5`,
  inspectBatches: `for step, (ids, inputs, targets) in enumerate(loader):
    loss = train_step(inputs, targets)
    if loss.item() > 2 * running_loss:
        print(step, ids.tolist(), loss.item())`,
  lowerAdamEps: `optimizer = torch.optim.AdamW(model.parameters(), lr=lr,
                              betas=(0.9, 0.95), eps=1e-8)`,
  largerBatch: `accumulation_steps = 4
for i, (inputs, targets) in enumerate(loader):
    loss = criterion(model(inputs), targets) / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        optimizer.step()
        optimizer.zero_grad()`,
  reduceLrOnPlateau: `scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
    optimizer, mode="min", factor=0.5, patience=5)
# after each evaluation:
scheduler.step(val_loss)`,
  checkInit: `def init_weights(m):
    if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d)):
        torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        torch.nn.init.zeros_(m.bias)
model.apply(init_weights)`,
  overfitOneBatch: `inputs, targets = next(iter(train_loader))
for step in range(300):
    optimizer.zero_grad()
    loss = criterion(model(inputs), targets)
    loss.backward()
    optimizer.step()
print(loss.item())  # should approach 0`,
  checkTrainingLoop: `model.train()
optimizer.zero_grad()
loss = criterion(model(inputs), targets)
loss.backward()
optimizer.step()
print(sum(p.numel() for p in model.parameters() if p.requires_grad))`,
  checkLabels: `print(outputs.shape, targets.shape, targets.min().item(), targets.max().item())
criterion = torch.nn.CrossEntropyLoss()  # takes raw logits: no softmax before it`,
  earlyStopping: `best, wait = float("inf"), 0
for epoch in range(epochs):
    val_loss = evaluate(model)
    if val_loss < best - {minDelta}:
        best, wait = val_loss, 0
        torch.save(model.state_dict(), "best.pt")
    else:
        wait += 1
        if wait >= {patience}:
            break
model.load_state_dict(torch.load("best.pt"))`,
  saveBest: `if val_loss < best_val:
    best_val = val_loss
    torch.save(model.state_dict(), "best.pt")`,
  weightDecay: `optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)`,
  dropout: `self.dropout = torch.nn.Dropout(p=0.3)
# in forward(): x = self.dropout(x)`,
  dataAugmentation: `transform = transforms.Compose([
    transforms.RandomResizedCrop(224),
    transforms.RandomHorizontalFlip(),
    transforms.ColorJitter(brightness=0.2, contrast=0.2),
    transforms.ToTensor(),
])`,
  trainLonger: `epochs = 2 * epochs
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)`,
  normLayers: `self.norm = torch.nn.LayerNorm(hidden)   # or BatchNorm1d / BatchNorm2d
# residual: x = x + self.block(self.norm(x))`,
  activation: `self.act = torch.nn.GELU()   # instead of Sigmoid / Tanh in hidden layers`,
  checkFrozen: `for name, p in model.named_parameters():
    if not p.requires_grad:
        print("frozen:", name)`,
  reweightLosses: `total = w_box * box_loss + w_cls * cls_loss + w_dfl * dfl_loss
# pick weights so that every weighted term has a similar typical value`,
  normalizeLossScales: `ema = {k: None for k in losses}
for k, v in losses.items():
    ema[k] = v.detach() if ema[k] is None else 0.99 * ema[k] + 0.01 * v.detach()
total = sum(v / (ema[k] + 1e-8) for k, v in losses.items())`,
  adaptiveWeighting: `log_vars = torch.nn.Parameter(torch.zeros(len(losses)))
optimizer.add_param_group({"params": [log_vars]})
total = sum(torch.exp(-s) * l + s for s, l in zip(log_vars, losses))`,
  useSuggestedLr: `optimizer = torch.optim.AdamW(model.parameters(), lr={lr})`,
  oneCycle: `scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr={lr}, total_steps=total_steps)`,
  resumeState: `torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(), "step": step}, "ckpt.pt")
ckpt = torch.load("ckpt.pt")
model.load_state_dict(ckpt["model"])
optimizer.load_state_dict(ckpt["optimizer"])
scheduler.load_state_dict(ckpt["scheduler"])`,
};

/** What to try, in order, for each kind (detectors may pick a variant list). */
export const FIXES_BY_KIND: Record<FindingKind, readonly FixId[]> = {
  'non-finite': ['lowerLr', 'clipGrad', 'checkInputs', 'stableLoss', 'mixedPrecision', 'detectAnomaly'],
  divergence: ['lowerLr', 'clipGrad', 'warmup', 'rewindCheckpoint', 'checkInputs'],
  'loss-spike': ['clipGrad', 'lowerLr', 'inspectBatches', 'rewindCheckpoint', 'lowerAdamEps', 'warmup'],
  oscillation: ['lowerLr', 'largerBatch', 'reduceLrOnPlateau', 'clipGrad'],
  plateau: ['reduceLrOnPlateau', 'raiseLr', 'checkInit', 'normLayers'],
  'no-learning': ['overfitOneBatch', 'checkTrainingLoop', 'raiseLr', 'checkInit', 'checkLabels'],
  overfitting: ['earlyStopping', 'weightDecay', 'dropout', 'dataAugmentation', 'smallerModel'],
  underfitting: ['biggerModel', 'raiseLr', 'lessRegularization', 'trainLonger'],
  'not-converged': ['trainLonger', 'raiseLr'],
  'early-stop': ['earlyStopping', 'saveBest'],
  'gradient-explosion': ['clipGrad', 'lowerLr', 'warmup', 'normLayers', 'checkInit'],
  'vanishing-gradient': ['activation', 'checkInit', 'normLayers', 'checkFrozen', 'raiseLr'],
  'loss-imbalance': ['reweightLosses', 'normalizeLossScales', 'adaptiveWeighting'],
  'lr-suggestion': ['useSuggestedLr', 'oneCycle'],
  restart: ['resumeState', 'separateRuns'],
};

/** Variant orderings used by some detectors. */
export const FIX_VARIANTS = {
  maskedNaN: ['showNanLosses', 'lowerLr', 'clipGrad', 'checkInputs', 'stableLoss', 'detectAnomaly'],
  ampOverflow: ['mixedPrecision', 'clipGrad', 'lowerLr'],
  rangeTestNaN: ['useSuggestedLr'],
  gradSpikes: ['clipGrad', 'lowerLr', 'inspectBatches', 'lowerAdamEps'],
  chance: ['overfitOneBatch', 'checkLabels', 'checkTrainingLoop', 'raiseLr', 'checkInit'],
  valPlateau: ['earlyStopping', 'reduceLrOnPlateau', 'dataAugmentation', 'weightDecay'],
  overfitCapacity: ['weightDecay', 'dropout', 'dataAugmentation', 'smallerModel', 'earlyStopping'],
} satisfies Record<string, readonly FixId[]>;

const DEFAULT_FIX_PARAMS: Params = { patience: 10, minDelta: 0.001, lr: '1e-3' };

/** Localised fixes, in order; `params` fill placeholders in details and snippets. */
export function fixesFor(ids: readonly FixId[], lang: Lang, params: Params = {}): Fix[] {
  const p = { ...DEFAULT_FIX_PARAMS, ...params };
  return ids.map(id => {
    const fix: Fix = {
      title: t(lang, `fix.${id}.title` as MessageKey, p),
      detail: t(lang, `fix.${id}.detail` as MessageKey, p),
    };
    const code = FIX_CODE[id];
    if (code) fix.code = code.replace(/\{([A-Za-z0-9_]+)\}/g, (m, k: string) => (p[k] !== undefined ? String(p[k]) : m));
    return fix;
  });
}

/** Every fix id (for the catalogue tests). */
export const ALL_FIX_IDS: readonly FixId[] = [
  ...new Set(Object.values(FIXES_BY_KIND).flat().concat(Object.values(FIX_VARIANTS).flat())),
] as FixId[];
