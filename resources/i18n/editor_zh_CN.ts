<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionRow</name>
    <message>
        <source>Add photo…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Sign…</source>
        <translation>签署…</translation>
    </message>
</context>
<context>
    <name>DeductionList</name>
    <message>
        <source>Found</source>
        <translation>发现</translation>
    </message>
    <message>
        <source>Deduction clause</source>
        <translation>扣分标准</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>扣分</translation>
    </message>
</context>
<context>
    <name>FinishActions</name>
    <message>
        <source>Cannot complete yet: %1 required item(s) or photo(s) missing</source>
        <translation>还不能完成：尚有 %1 项必填项目或必需照片未完成</translation>
    </message>
    <message>
        <source>Completing…</source>
        <translation>正在完成检验…</translation>
    </message>
    <message>
        <source>Completed: %1. Set the rectification deadlines, then sign.</source>
        <translation>已完成：%1。请确认整改期限，然后签署。</translation>
    </message>
    <message>
        <source>Supervised use</source>
        <translation>监护使用</translation>
    </message>
    <message>
        <source>Items %1 do not conform. Has the using unit committed in writing to supervised use?</source>
        <translation>第 %1 项的检验结果为不符合。使用单位是否已书面承诺采取安全措施，对电梯实行监护使用？</translation>
    </message>
    <message>
        <source>Committed: a pass, with the supervised use in the remarks. Not: a fail.</source>
        <translation>选“已承诺”：结论为合格，报告备注写明监护使用；选“未承诺”：结论为不合格。</translation>
    </message>
    <message>
        <source>Yes, committed</source>
        <translation>已承诺</translation>
    </message>
    <message>
        <source>No commitment</source>
        <translation>未承诺</translation>
    </message>
    <message>
        <source>Not completed: the supervised-use question was not answered.</source>
        <translation>未完成：尚未确认使用单位是否承诺监护使用。</translation>
    </message>
    <message>
        <source>Complete the inspection before signing.</source>
        <translation>请先完成检验再签署。</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>正在签署…</translation>
    </message>
    <message>
        <source>Signed and locked. %1</source>
        <translation>已签署并锁定。%1</translation>
    </message>
    <message>
        <source>Re-inspection: %1 finding(s) rectified and closed, %2 carried on.</source>
        <translation>复检：%1 项整改已关闭，%2 项转入本次复检继续整改。</translation>
    </message>
</context>
<context>
    <name>InspectionEditor</name>
    <message>
        <source>Signed inspections can be viewed but not changed.</source>
        <translation>已签署的检验记录只能查看，不能修改。</translation>
    </message>
    <message>
        <source>Every answer is saved as you go; there is no Save button.</source>
        <translation>每个答案都会即时自动保存，无需点击“保存”。</translation>
    </message>
    <message>
        <source>&lt;b&gt;↑↓&lt;/b&gt; move</source>
        <translation>&lt;b&gt;↑↓&lt;/b&gt; 移动</translation>
    </message>
    <message>
        <source>&lt;b&gt;Enter&lt;/b&gt; next</source>
        <translation>&lt;b&gt;Enter&lt;/b&gt; 下一项</translation>
    </message>
    <message>
        <source>&lt;b&gt;F3&lt;/b&gt; next unanswered</source>
        <translation>&lt;b&gt;F3&lt;/b&gt; 下一未答项</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ctrl+F&lt;/b&gt; find</source>
        <translation>&lt;b&gt;Ctrl+F&lt;/b&gt; 查找</translation>
    </message>
    <message>
        <source>&lt;b&gt;N&lt;/b&gt; note</source>
        <translation>&lt;b&gt;N&lt;/b&gt; 备注</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ctrl+Z&lt;/b&gt; undo</source>
        <translation>&lt;b&gt;Ctrl+Z&lt;/b&gt; 撤销</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ctrl+Enter&lt;/b&gt; complete</source>
        <translation>&lt;b&gt;Ctrl+Enter&lt;/b&gt; 完成</translation>
    </message>
    <message>
        <source>Find item:</source>
        <translation>查找项目：</translation>
    </message>
    <message>
        <source>number or words, e.g. 2.7 or 制动器; Enter for the next match</source>
        <translation>编号或文字，如 2.7 或 制动器；Enter 查找下一个</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签署</translation>
    </message>
    <message>
        <source>Signed — read-only</source>
        <translation>已签署，只读</translation>
    </message>
    <message>
        <source>Nothing required is missing.</source>
        <translation>必填项目已全部完成。</translation>
    </message>
    <message>
        <source>needs a photo</source>
        <translation>需要照片</translation>
    </message>
    <message>
        <source>unanswered</source>
        <translation>未作答</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n 处匹配</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not allowed for item %2</source>
        <translation>项目 %2 不允许选择“%1”</translation>
    </message>
    <message>
        <source>answer %1</source>
        <translation>作答 %1</translation>
    </message>
    <message>
        <source>clear %1</source>
        <translation>清除 %1</translation>
    </message>
    <message>
        <source>Saved %1 (%2)</source>
        <translation>已自动保存 %1（%2）</translation>
    </message>
    <message>
        <source>Undone: %1</source>
        <translation>已撤销：%1</translation>
    </message>
    <message>
        <source>Rectification deadline set to %1</source>
        <translation>整改期限已设为 %1</translation>
    </message>
</context>
<context>
    <name>ItemDetail</name>
    <message>
        <source>Note (N or F2; Esc returns to the list)</source>
        <translation>备注（N 或 F2；Esc 返回列表）</translation>
    </message>
    <message>
        <source>What was seen, where, measured how…</source>
        <translation>看到了什么、在哪里、如何测量…</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Add photo…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <source>Ctrl+P, or drop image files onto the item</source>
        <translation>Ctrl+P，或将图片文件拖放到项目上</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Deductions (JGJ 59)</source>
        <translation>扣分（JGJ 59）</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>%1类</translation>
    </message>
    <message>
        <source>photo required</source>
        <translation>需拍照</translation>
    </message>
    <message numerus="yes">
        <source>Photos (%n)</source>
        <translation>
            <numerusform>照片（%n）</numerusform>
        </translation>
    </message>
    <message>
        <source>automatic from the ticked clauses</source>
        <translation>按勾选的扣分项自动计算</translation>
    </message>
    <message>
        <source>Points deducted</source>
        <translation>扣减分数</translation>
    </message>
    <message>
        <source>Deductions (item worth %1 points)</source>
        <translation>扣分（本项应得 %1 分）</translation>
    </message>
</context>
<context>
    <name>ItemRow</name>
    <message>
        <source>Photos: %1</source>
        <translation>照片 %1 张</translation>
    </message>
    <message>
        <source>photo required</source>
        <translation>需拍照</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>有备注</translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已答</translation>
    </message>
    <message>
        <source>Failed items → findings</source>
        <translation>不合格项 → 整改通知</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Rectify by</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Next unanswered (F3)</source>
        <translation>下一未答项（F3）</translation>
    </message>
    <message>
        <source>Complete (Ctrl+Enter)</source>
        <translation>完成检验（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Sign…</source>
        <translation>签署…</translation>
    </message>
    <message>
        <source>The rule cannot judge these answers yet: %1</source>
        <translation>规则暂无法判定当前答案：%1</translation>
    </message>
    <message>
        <source>not yet decided</source>
        <translation>尚未得出</translation>
    </message>
    <message numerus="yes">
        <source>%n required item(s) unanswered</source>
        <translation>
            <numerusform>%n 项必填项目未答</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n required photo(s) missing</source>
        <translation>
            <numerusform>缺少 %n 张必需照片</numerusform>
        </translation>
    </message>
    <message>
        <source>Everything required is answered</source>
        <translation>必填项目已全部完成</translation>
    </message>
    <message>
        <source>%1 (set at Complete)</source>
        <translation>%1（完成时生成）</translation>
    </message>
    <message numerus="yes">
        <source>Failed items → findings (%n)</source>
        <translation>
            <numerusform>不合格项 → 整改通知（%n）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoActions</name>
    <message>
        <source>Add photos to %1</source>
        <translation>为 %1 添加照片</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>图片 (%1)</translation>
    </message>
    <message>
        <source>Processing photo %1…</source>
        <translation>正在处理照片 %1…</translation>
    </message>
    <message>
        <source>turned upright</source>
        <translation>已按拍摄方向转正</translation>
    </message>
    <message>
        <source>reduced to %1×%2</source>
        <translation>已缩小为 %1×%2</translation>
    </message>
    <message>
        <source>Photo saved for %1</source>
        <translation>照片已保存到 %1</translation>
    </message>
    <message>
        <source>Remove photo</source>
        <translation>删除照片</translation>
    </message>
    <message>
        <source>Remove photo %1 from item %2?</source>
        <translation>从项目 %2 删除照片 %1？</translation>
    </message>
    <message>
        <source>Photo removed from %1</source>
        <translation>已从 %1 删除照片</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>No photos. Drop image files here or press Ctrl+P.</source>
        <translation>暂无照片。将图片拖放到此处，或按 Ctrl+P。</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Fit (F)</source>
        <translation>适应窗口 (F)</translation>
    </message>
    <message>
        <source>100 % (1)</source>
        <translation>原始大小 (1)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在载入 %1…</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <source>Sign the inspection</source>
        <translation>签署检验记录</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>score %1</source>
        <translation>得分 %1</translation>
    </message>
    <message>
        <source>grade %1</source>
        <translation>等级 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n failed item(s)</source>
        <translation>
            <numerusform>%n 项不合格</numerusform>
        </translation>
    </message>
    <message>
        <source>After signing the inspection is locked and can no longer be changed.</source>
        <translation>签署后检验记录将被锁定，不能再修改。</translation>
    </message>
    <message>
        <source>Inspector</source>
        <translation>检验员</translation>
    </message>
    <message>
        <source>Site representative (optional)</source>
        <translation>现场代表（可选）</translation>
    </message>
    <message>
        <source>Sign and lock</source>
        <translation>确认签署并锁定</translation>
    </message>
    <message>
        <source>Type the inspector&apos;s name.</source>
        <translation>请填写检验员姓名。</translation>
    </message>
    <message>
        <source>The inspector must sign in the box.</source>
        <translation>检验员须在框内签名。</translation>
    </message>
    <message>
        <source>The representative needs both a name and a signature (or leave both empty).</source>
        <translation>现场代表须同时填写姓名并签名（或两者都不填）。</translation>
    </message>
</context>
<context>
    <name>SignatureBox</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Undo stroke</source>
        <translation>撤销一笔</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Signature pad</source>
        <translation>签名板</translation>
    </message>
    <message>
        <source>Sign here</source>
        <translation>请在此签名</translation>
    </message>
</context>
</TS>
