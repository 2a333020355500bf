import { describe, expect, it } from 'vitest';
import { applyScriptEdits, checkPythonScript, type ScriptIssue } from '../../../src/core/pyscript';
import { diffLines, fixed, script, where } from './helpers';

const check = (text: string, lang: 'en' | 'zh-cn' = 'en') => checkPythonScript(text, { lang, failFast: true });
const problems = (issues: ScriptIssue[]) => issues.filter(i => i.severity !== 'info');
const one = (issues: ScriptIssue[], code: string) => {
  const found = issues.filter(i => i.code === code);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('checkPythonScript(text) on the fixture scripts', () => {
  it('reports nothing at all on a clean, realistic training script', () => {
    expect(check(script('clean_train.py'))).toEqual([]);
  });

  it('flags `return F.softmax(x, dim=1)` in forward() with nn.CrossEntropyLoss on line 15, and the fix returns the logits', () => {
    const text = script('bug_double_softmax.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 15]]);
    const i = issues[0];
    expect(i.severity).toBe('warning');
    expect(text.split('\n')[14].slice(i.column, i.endColumn)).toBe('F.softmax(x, dim=1)');
    expect(diffLines(text, fixed(text, i))).toEqual({ removed: ['        return F.softmax(x, dim=1)'], added: ['        return x'] });
  });

  it('flags nn.Softmax(dim=1) as the last layer of a multi-line nn.Sequential (line 8), and the fix deletes that line', () => {
    const text = script('bug_softmax_sequential.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 8]]);
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({ removed: ['    nn.Softmax(dim=1),'], added: [] });
  });

  it('flags sigmoid + nn.BCELoss on the BCELoss line (15); the fix switches to BCEWithLogitsLoss and returns logits', () => {
    const text = script('bug_sigmoid_bce.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['sigmoid-before-bce', 15]]);
    const out = fixed(text, issues[0]);
    expect(out).toContain('        return self.body(x)\n');
    expect(out).toContain('criterion = nn.BCEWithLogitsLoss()\n');
    expect(out).not.toContain('sigmoid');
    expect(check(out)).toEqual([]);
  });

  it('flags a loop with backward() and opt.step() but no zero_grad (line 15); the fix inserts opt.zero_grad() before backward', () => {
    const text = script('bug_missing_zero_grad.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['missing-zero-grad', 15]]);
    const out = fixed(text, issues[0]);
    expect(out.split('\n').slice(12, 16)).toEqual([
      '        pred = model(xb)',
      '        loss = loss_fn(pred, yb)',
      '        opt.zero_grad()',
      '        loss.backward()',
    ]);
    expect(check(out)).toEqual([]);
  });

  it('flags `total_loss += loss` (line 14); the fix accumulates loss.item()', () => {
    const text = script('bug_loss_accumulation.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['loss-accumulated-with-graph', 14]]);
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({
      removed: ['        total_loss += loss'],
      added: ['        total_loss += loss.item()'],
    });
  });

  it('flags a validation loop without model.eval() and without torch.no_grad() (line 22), each with its fix', () => {
    const text = script('bug_validation.py');
    const issues = check(text);
    expect(where(issues)).toEqual([
      ['validation-without-eval', 22],
      ['validation-without-no-grad', 22],
    ]);
    const evalFix = fixed(text, one(issues, 'validation-without-eval'));
    expect(diffLines(text, evalFix)).toEqual({ removed: [], added: ['    model.eval()'] });
    const noGrad = fixed(text, one(issues, 'validation-without-no-grad'));
    expect(diffLines(text, noGrad)).toEqual({
      removed: ['    for x, y in val_loader:', '        out = model(x)', '        val_loss += criterion(out, y).item()'],
      added: [
        '    with torch.no_grad():',
        '        for x, y in val_loader:',
        '            out = model(x)',
        '            val_loss += criterion(out, y).item()',
      ],
    });
    // Both fixes applied one after the other leave a clean script.
    const both = fixed(evalFix, one(check(evalFix), 'validation-without-no-grad'));
    expect(check(both)).toEqual([]);
  });

  it("flags the guide's L1 sample torch.sum(torch.abs(model.parameters())) as an error (line 13) and replaces the whole expression", () => {
    const text = script('bug_l1_abs_parameters.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['abs-of-parameters', 13]]);
    expect(issues[0].severity).toBe('error');
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({
      removed: ['    l1_penalty = lambda1 * torch.sum(torch.abs(model.parameters()))'],
      added: ['    l1_penalty = lambda1 * sum(p.abs().sum() for p in model.parameters())'],
    });
  });

  it('gives the checklist items as information: Adam LR 0.1 (set on line 4), no scheduler (line 8), no early stopping (line 10)', () => {
    const text = script('checklist_adam_lr.py');
    const issues = check(text);
    expect(where(issues)).toEqual([
      ['adam-lr-out-of-range', 4],
      ['no-lr-scheduler', 8],
      ['no-early-stopping', 10],
    ]);
    expect(issues.every(i => i.severity === 'info')).toBe(true);
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({ removed: ['LEARNING_RATE = 0.1'], added: ['LEARNING_RATE = 0.001'] });
    expect(checkPythonScript(text, { checklist: false })).toEqual([]);
  });

  it("finds exactly the L1 bug in the guide's own code samples (line 57), and nothing else", () => {
    const text = script('seed_samples.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['abs-of-parameters', 57]]);
    expect(text.split('\n')[56]).toBe('l1_penalty = lambda1 * torch.sum(torch.abs(model.parameters()))');
  });
});

describe('checkPythonScript(text) has no false positives on realistic variants', () => {
  const loop = (body: string) => `import torch
import torch.nn as nn

model = nn.Linear(4, 2)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(3):
${body}
`;

  it.each([
    [
      'zero_grad(set_to_none=True) after step',
      `    for x, y in loader:
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)`,
    ],
    [
      'model.zero_grad()',
      `    for x, y in loader:
        model.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()`,
    ],
    [
      "the guide's gradient accumulation (zero_grad every N steps)",
      `    for i, (inputs, targets) in enumerate(dataloader):
        outputs = model(inputs)
        loss = criterion(outputs, targets) / accumulation_steps
        loss.backward()

        if (i + 1) % accumulation_steps == 0:
            optimizer.step()
            optimizer.zero_grad()`,
    ],
    [
      'zero_grad once per outer step with micro-batches in an inner loop (nanoGPT style)',
      `    optimizer.zero_grad(set_to_none=True)
    for micro_step in range(grad_accum_steps):
        loss = criterion(model(x), y) / grad_accum_steps
        loss.backward()
    optimizer.step()`,
    ],
    [
      'gradients reset by hand',
      `    for x, y in loader:
        for p in model.parameters(): p.grad = None
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()`,
    ],
    [
      'AMP with a GradScaler',
      `    for x, y in loader:
        with torch.autocast("cuda"):
            loss = criterion(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad()`,
    ],
    [
      'Accelerate',
      `    for batch in loader:
        outputs = model(**batch)
        loss = outputs.loss
        accelerator.backward(loss)
        optimizer.step()
        optimizer.zero_grad()`,
    ],
    [
      'multi-part loss summed before backward, and floats accumulated',
      `    running = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = 0
        for head in heads:
            loss += criterion(head(x), y)
        loss = loss + 0.1 * reg
        loss.backward()
        optimizer.step()
        running += loss.item() * x.size(0)
        seen = seen + x.size(0)`,
    ],
    [
      'validation loss summed as tensors under no_grad, after model.eval()',
      `    model.eval()
    val_loss = 0
    with torch.no_grad():
        for x, y in val_loader:
            val_loss += criterion(model(x), y)`,
    ],
    [
      'code in strings and comments',
      `    doc = """for x, y in val_loader:
        out = model(x)
        loss.backward()
        optimizer.step()
    """
    # for x, y in val_loader: total += loss  (torch.abs(model.parameters()))
    s = f"{torch.abs(model.parameters())!r:>{10}}"`,
    ],
  ])('%s', (_name, body) => {
    expect(problems(check(loop(body)))).toEqual([]);
  });

  it('accepts a validation function whose callers set eval() and no_grad()', () => {
    const text = `import torch

def validate(model, val_loader, criterion):
    total = 0.0
    for x, y in val_loader:
        total += criterion(model(x), y).item()
    return total

def main(model, val_loader, criterion):
    model.eval()
    with torch.no_grad():
        v = validate(model, val_loader, criterion)
`;
    expect(check(text)).toEqual([]);
  });

  it('accepts @torch.no_grad() / inference_mode and model.train(False)', () => {
    const text = `import torch

@torch.no_grad()
def evaluate(model, test_loader):
    model.eval()
    return [model(x) for x in test_loader]

def evaluate2(net, valid_dl):
    net.train(False)
    with torch.inference_mode():
        for xb, yb in valid_dl:
            preds = net(xb)
`;
    expect(check(text)).toEqual([]);
  });

  it('leaves the softmax of building blocks (attention layers, gating heads) alone', () => {
    const text = `import torch
import torch.nn as nn
import torch.nn.functional as F

class AttentionPool(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.score = nn.Linear(d, 1)
        self.weights = nn.Sequential(nn.Linear(d, d), nn.Tanh(), nn.Linear(d, 1), nn.Softmax(dim=1))

    def forward(self, h):
        return F.softmax(self.score(h), dim=1)

class TextClassifier(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.pool = AttentionPool(d)
        self.gate = nn.Sequential(nn.Linear(d, 4), nn.Softmax(dim=-1))
        self.out = nn.Linear(d, n)

    def forward(self, h):
        w = self.pool(h)
        return self.out((w * h).sum(1) * self.gate(h)[:, :1])

model = TextClassifier(64, 5)
criterion = nn.CrossEntropyLoss()
`;
    expect(check(text)).toEqual([]);
  });

  it('leaves log_softmax + NLLLoss, inference-time softmax and BCEWithLogitsLoss alone', () => {
    const text = `import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def forward(self, x):
        return F.log_softmax(self.fc(x), dim=1)

class Binary(nn.Module):
    def forward(self, x):
        return self.fc(x)

nll = nn.NLLLoss()
ce = nn.CrossEntropyLoss()
bce = nn.BCEWithLogitsLoss()
probs = torch.softmax(logits, dim=1)
preds = (torch.sigmoid(logits) > 0.5).float()
`;
    expect(check(text)).toEqual([]);
  });
});

describe('checkPythonScript(text) on bug variants', () => {
  it('flags softmax assigned then returned, and the fix deletes the assignment', () => {
    const text = `import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def forward(self, x):
        x = self.fc(x)
        x = F.softmax(x, dim=-1)
        return x

criterion = nn.CrossEntropyLoss()
`;
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 7]]);
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({ removed: ['        x = F.softmax(x, dim=-1)'], added: [] });
  });

  it('flags a self.softmax = nn.Softmax(dim=1) module applied in forward()', () => {
    const text = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 3)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(x))

loss_fn = nn.CrossEntropyLoss()
`;
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 10]]);
    expect(fixed(text, issues[0])).toContain('        return self.fc(x)\n');
  });

  it('flags a model whose forward() returns self.net(x) with nn.Softmax last in self.net, and a builder returning such a Sequential', () => {
    const text = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)

def build_model():
    return nn.Sequential(nn.Linear(8, 3), nn.Softmax(dim=1))

criterion = nn.CrossEntropyLoss()
`;
    const issues = check(text);
    expect(where(issues)).toEqual([
      ['softmax-before-cross-entropy', 6],
      ['softmax-before-cross-entropy', 12],
    ]);
    expect(fixed(text, issues[0])).toContain('nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))\n');
    expect(fixed(text, issues[1])).toContain('    return nn.Sequential(nn.Linear(8, 3))\n');
  });

  it('flags softmax applied inside the criterion call, and sigmoid inside F.binary_cross_entropy', () => {
    const text = `import torch
import torch.nn as nn
import torch.nn.functional as F

criterion = nn.CrossEntropyLoss()
loss = criterion(F.softmax(logits, dim=1), labels)
bce = F.binary_cross_entropy(torch.sigmoid(scores), targets)
`;
    const issues = check(text);
    expect(where(issues)).toEqual([
      ['softmax-before-cross-entropy', 6],
      ['sigmoid-before-bce', 7],
    ]);
    expect(fixed(text, issues[0])).toContain('loss = criterion(logits, labels)\n');
    expect(fixed(text, issues[1])).toContain('bce = F.binary_cross_entropy_with_logits(scores, targets)\n');
  });

  it('offers no fix for sigmoid + BCELoss when the outputs are thresholded at 0.5 (removing the sigmoid is not safe)', () => {
    const text = `import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
criterion = nn.BCELoss()
acc = ((model(x) > 0.5) == y).float().mean()
`;
    const issues = check(text);
    expect(where(issues)).toEqual([['sigmoid-before-bce', 5]]);
    expect(issues[0].fix).toBeUndefined();
  });

  it('flags `total = total + loss` and `epoch_loss += criterion(out, y)` in a training loop', () => {
    const text = `import torch

def train(model, loader, criterion, optimizer):
    total = 0
    epoch_loss = 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        total = total + loss
        epoch_loss += criterion(model(x), y)
`;
    const issues = problems(check(text));
    expect(where(issues)).toEqual([
      ['loss-accumulated-with-graph', 11],
      ['loss-accumulated-with-graph', 12],
    ]);
    expect(fixed(text, issues[0])).toContain('        total = total + loss.item()\n');
    expect(fixed(text, issues[1])).toContain('        epoch_loss += criterion(model(x), y).item()\n');
  });

  it('replaces a bare torch.abs(model.parameters()) with the sum over parameters', () => {
    const text = `import torch\nreg = 0.01 * torch.abs(net.parameters()).sum()\n`;
    const issues = check(text);
    expect(where(issues)).toEqual([['abs-of-parameters', 2]]);
    expect(fixed(text, issues[0])).toBe('import torch\nreg = 0.01 * sum(p.abs().sum() for p in net.parameters())\n');
  });

  it('inserts zero_grad with tabs when the script is indented with tabs, and with the optimizer of scaler.step(opt)', () => {
    const text = 'import torch\nfor x, y in loader:\n\tloss = crit(model(x), y)\n\tscaler.scale(loss).backward()\n\tscaler.step(opt_g)\n\tscaler.update()\n';
    const issues = check(text);
    expect(where(issues)).toEqual([['missing-zero-grad', 4]]);
    expect(fixed(text, issues[0])).toContain('\topt_g.zero_grad()\n\tscaler.scale(loss).backward()\n');
  });

  it('resolves the Adam learning rate through argparse defaults and function parameter defaults', () => {
    const viaArgparse = `import argparse
import torch
p = argparse.ArgumentParser()
p.add_argument("--learning-rate", "-l", type=float, default=5e-1)
args = p.parse_args()
opt = torch.optim.AdamW(model.parameters(), lr=args.learning_rate)
`;
    const a = check(viaArgparse).filter(i => i.code === 'adam-lr-out-of-range');
    expect(where(a)).toEqual([['adam-lr-out-of-range', 4]]);
    expect(fixed(viaArgparse, a[0])).toContain('default=1e-3)');

    const viaParam = `import torch
def make(model, lr=0.00001):
    return torch.optim.Adam(model.parameters(), lr)
`;
    expect(where(check(viaParam).filter(i => i.code === 'adam-lr-out-of-range'))).toEqual([['adam-lr-out-of-range', 2]]);

    // Fine-tuning a pretrained model with 5e-5 is normal.
    const fineTune = `import torch
model = AutoModelForSequenceClassification.from_pretrained("bert-base-cased")
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5)
`;
    expect(check(fineTune)).toEqual([]);
  });

  it('is silenced by a `# loss-lens: ignore[code]` comment on the line', () => {
    const text = 'import torch\nl1 = torch.abs(model.parameters())  # loss-lens: ignore[abs-of-parameters]\n';
    expect(check(text)).toEqual([]);
  });

  it('writes every message in English and in natural Simplified Chinese', () => {
    const text = script('bug_validation.py');
    const en = check(text, 'en');
    const zh = check(text, 'zh-cn');
    expect(zh.map(i => i.code)).toEqual(en.map(i => i.code));
    expect(en[0].message).toBe(en[0].messageEn);
    expect(zh[0].message).toBe(zh[0].messageZh);
    expect(zh[0].messageEn).toBe(en[0].messageEn);
    expect(zh[0].message).toContain('验证循环');
    expect(zh[0].message).toContain('model.eval()');
    expect(zh[1].message).toContain('torch.no_grad()');
    expect(zh[0].fix?.title).toBe('在循环前插入 `model.eval()`');
    const l1 = check(script('bug_l1_abs_parameters.py'), 'zh-cn')[0];
    expect(l1.message).toContain('生成器');
    const info = check(script('checklist_adam_lr.py'), 'zh-cn');
    expect(info.map(i => i.message)).toEqual([
      'Adam 的学习率 0.1 超出了 Adam 类优化器的常用范围（1e-4 到 1e-2）。',
      '没有使用学习率调度器：调优检查清单建议使用（如 CosineAnnealingLR、ReduceLROnPlateau、warmup）。',
      '没有早停机制：验证 loss 不再改善时，训练循环也不会提前结束。',
    ]);
  });
});

describe('checkPythonScript(text) follows values through assignments', () => {
  it('flags `probs = F.softmax(logits, dim=1)` then `criterion(probs, y)` (line 21); the fix gives the loss the logits', () => {
    const text = script('bug_double_softmax_via_variable.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 21]]);
    const i = issues[0];
    expect(text.split('\n')[20].slice(i.column, i.endColumn)).toBe('F.softmax(logits, dim=1)');
    expect(i.message).toBe(
      'Softmax applied before nn.CrossEntropyLoss (through `probs`, line 22), which already applies log-softmax: the model is trained through a double softmax.',
    );
    expect(i.fix?.title).toBe('Give the loss `logits` instead of `probs`');
    expect(diffLines(text, fixed(text, i))).toEqual({ removed: ['        loss = criterion(probs, y)'], added: ['        loss = criterion(logits, y)'] });
    expect(check(fixed(text, i))).toEqual([]);
    const zh = check(text, 'zh-cn')[0];
    expect(zh.message).toBe(
      '在 nn.CrossEntropyLoss（经由变量 `probs`，第 22 行）之前做了 softmax，而它内部已经包含 log-softmax：模型相当于经过了两次 softmax。',
    );
    expect(zh.fix?.title).toBe('把 `probs` 换成 `logits` 传给 loss');
  });

  it('flags torch.softmax output given to F.nll_loss (line 11); the fix uses log_softmax', () => {
    const text = script('bug_softmax_nll_via_variable.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-nll-loss', 11]]);
    expect(issues[0].message).toContain('F.nll_loss (through `p`, line 12), which expects log-probabilities');
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({
      removed: ['    p = torch.softmax(out, dim=-1)'],
      added: ['    p = torch.log_softmax(out, dim=-1)'],
    });
    expect(check(fixed(text, issues[0]))).toEqual([]);
    expect(check(text, 'zh-cn')[0].message).toContain('对数概率');
  });

  it('flags a sigmoid copied to another name and given to BCEWithLogitsLoss (line 11); the fix passes the logits', () => {
    const text = script('bug_double_sigmoid_via_variable.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['sigmoid-before-bce-with-logits', 11]]);
    expect(issues[0].message).toContain('double sigmoid');
    expect(diffLines(text, fixed(text, issues[0]))).toEqual({ removed: ['    loss = criterion(pred, y)'], added: ['    loss = criterion(scores, y)'] });
    expect(check(fixed(text, issues[0]))).toEqual([]);
    expect(check(text, 'zh-cn')[0].message).toContain('两次 sigmoid');
  });

  it('flags sigmoid through a variable into nn.BCELoss (line 5); the fix switches the loss and passes the logits, keeping the thresholded probabilities', () => {
    const text = script('bug_sigmoid_bce_via_variable.py');
    const issues = check(text);
    expect(where(issues)).toEqual([['sigmoid-before-bce', 5]]);
    expect(issues[0].fix?.title).toBe('Use nn.BCEWithLogitsLoss on `logits`');
    const out = fixed(text, issues[0]);
    expect(out).toContain('criterion = nn.BCEWithLogitsLoss()\n');
    expect(out).toContain('    probs = torch.sigmoid(logits)\n    loss = criterion(logits, y)\n');
    expect(check(out)).toEqual([]);
  });

  it('reports nothing when the softmax / sigmoid value never reaches the loss (reassigned, used after, other scope, log_softmax)', () => {
    expect(check(script('clean_variables.py'))).toEqual([]);
  });

  it('offers no fix when the logits were overwritten between the softmax and the loss, and follows `a = b` copies', () => {
    const text = `import torch.nn as nn
import torch.nn.functional as F
criterion = nn.CrossEntropyLoss()

def step(model, x, y):
    out = model(x)
    probs = F.softmax(out, dim=1)
    out = None
    p = probs
    return criterion(p, y)
`;
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 7]]);
    expect(issues[0].message).toContain('(through `p`, line 10)');
    expect(issues[0].fix).toBeUndefined();
  });

  it('reports one issue for a softmax value given to two loss calls, with both fixes', () => {
    const text = `import torch.nn as nn
import torch.nn.functional as F
ce = nn.CrossEntropyLoss()
probs = F.softmax(logits, dim=1)
a = ce(probs, y)
b = F.cross_entropy(probs, y2)
`;
    const issues = check(text);
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 4]]);
    expect(fixed(text, issues[0])).toContain('a = ce(logits, y)\nb = F.cross_entropy(logits, y2)\n');
  });

  it('does not follow a value changed in place before the loss (`probs[mask] = 0`, `probs += eps`)', () => {
    const text = `import torch.nn as nn
import torch.nn.functional as F
ce = nn.CrossEntropyLoss()
probs = F.softmax(logits, dim=1)
probs += 1e-6
loss = ce(probs, y)
`;
    expect(check(text)).toEqual([]);
    expect(check(text.replace('probs += 1e-6', 'probs[mask] = 0'))).toEqual([]);
    expect(check(text.replace('probs += 1e-6', 'probs.clamp_(min=1e-6)'))).toEqual([]);
    // Logits changed in place after the softmax: still a double softmax, but no automatic fix.
    const issues = check(text.replace('probs += 1e-6', 'logits.div_(2)'));
    expect(where(issues)).toEqual([['softmax-before-cross-entropy', 4]]);
    expect(issues[0].fix).toBeUndefined();
  });
});

describe('checkPythonScript(text): checklist hints only where they help', () => {
  it('gives a clean, typical short script no hint at all (no scheduler and no early stopping over 10 epochs is fine)', () => {
    expect(check(script('clean_typical_train.py'))).toEqual([]);
  });

  const training = (loop: string, pre = '') => `import torch
import torch.nn as nn
${pre}model = nn.Linear(4, 2)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
${loop}
    for x, y in loader:
        optimizer.zero_grad()
        criterion(model(x), y).backward()
        optimizer.step()
`;

  it.each([
    ['range(5)', 'for epoch in range(5):', '', []],
    ['range(19)', 'for epoch in range(19):', '', []],
    ['an unknown epoch count', 'for epoch in range(args.epochs):', '', []],
    ['a while loop', 'while True:', '', []],
    ['range(20)', 'for epoch in range(20):', '', ['no-lr-scheduler', 'no-early-stopping']],
    ['a variable', 'for epoch in range(EPOCHS):', 'EPOCHS = 50\n', ['no-lr-scheduler', 'no-early-stopping']],
    ['an argparse default + 1', 'for epoch in range(1, args.epochs + 1):', 'parser.add_argument("--epochs", type=int, default=30)\n', ['no-lr-scheduler', 'no-early-stopping']],
    ['range(1, 10)', 'for epoch in range(1, 10):', '', []],
  ])('epoch loop %s', (_name, loop, pre, codes) => {
    expect(check(training(loop, pre)).map(i => i.code)).toEqual(codes);
  });
});

describe('checkPythonScript(text) speed', () => {
  it('checks a 2,000-line script without blowing up (the time is logged)', () => {
    const block = script('clean_train.py');
    const lines = block.split('\n');
    const copies = Math.ceil(2000 / lines.length);
    const text = Array.from({ length: copies }, () => block).join('\n').split('\n').slice(0, 2000).join('\n');
    check(text); // warm up
    const runs = 5;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) check(text);
    const ms = (performance.now() - t0) / runs;
    console.log(`[pyscript timing] checkPythonScript on ${text.split('\n').length} lines: ${ms.toFixed(1)} ms`);
    // The bound only catches a blow-up (quadratic work); shared CI machines vary a lot.
    expect(ms).toBeLessThan(2000);
  });
});

describe('checkPythonScript(text) on broken scripts', () => {
  it('still finds the bugs of a script with a syntax error elsewhere, without throwing', () => {
    const text = `import torch
import torch.nn as nn
import torch.nn.functional as F

def broken(:
    return 1 +
x = = 2

criterion = nn.CrossEntropyLoss()
probs = F.softmax(logits, dim=1)
loss = criterion(probs, y)
`;
    expect(where(check(text))).toEqual([['softmax-before-cross-entropy', 10]]);
  });
});

describe('checkPythonScript(text) positions', () => {
  it.each([
    'bug_double_softmax_via_variable.py',
    'bug_validation.py',
    'bug_softmax_sequential.py',
    'bug_missing_zero_grad.py',
    'checklist_adam_lr.py',
    'seed_samples.py',
  ])('gives the same ranges and fixes on %s with CRLF line ends', name => {
    const lf = script(name);
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = check(lf);
    const b = check(crlf);
    const ranges = (x: ScriptIssue[]) => x.map(i => [i.code, i.line, i.column, i.endLine, i.endColumn]);
    expect(ranges(b)).toEqual(ranges(a));
    a.forEach((i, k) => {
      if (!i.fix) return;
      expect(applyScriptEdits(crlf, b[k].fix?.edits ?? [])).toBe(applyScriptEdits(lf, i.fix.edits).replace(/\n/g, '\r\n'));
    });
  });
});
