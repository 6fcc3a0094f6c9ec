// The demo knowledge base: questions citizens really ask a state tax agency about IPVA, ITCD and
// restitution, under the same tema/categoria as the demo attendance groups.
import type { KnowledgeTree } from '@atende/db';

export const DEMO_KNOWLEDGE: KnowledgeTree = {
  audiences: [
    {
      id: 'kb-cidadao',
      name: 'Cidadão',
      themes: [
        {
          id: 'kb-ipva',
          name: 'IPVA',
          categories: [
            {
              id: 'kb-ipva-pagamento',
              name: 'Pagamento',
              entries: [
                {
                  id: 'kb-ipva-segunda-via',
                  question: 'Como emitir a segunda via da guia do IPVA?',
                  answer:
                    'Acesse o portal da SEFAZ, menu "IPVA" > "Emitir guia (DAR)", informe o RENAVAM e a placa do veículo e escolha cota única ou parcela. A guia sai com código de barras e QR Code Pix e pode ser paga em qualquer banco conveniado ou aplicativo.',
                  keywords: 'segunda via boleto guia dar emitir imprimir renavam placa reemitir',
                },
                {
                  id: 'kb-ipva-parcelamento',
                  question: 'Posso parcelar o IPVA?',
                  answer:
                    'Sim. O IPVA do ano pode ser pago em até 3 parcelas mensais, conforme o calendário pelo final da placa, ou em cota única com desconto de 5% até o vencimento da primeira parcela. Débitos de anos anteriores podem ser parcelados pelo programa de regularização, no portal, em "Parcelamento de débitos".',
                  keywords: 'parcelar parcelas parcelamento dividir cota unica desconto calendario',
                },
                {
                  id: 'kb-ipva-calendario',
                  question: 'Qual o calendário de vencimento do IPVA?',
                  answer:
                    'O vencimento depende do último dígito da placa: finais 1 e 2 vencem em janeiro, 3 e 4 em fevereiro, 5 e 6 em março, 7 e 8 em abril, 9 e 0 em maio. Quando o vencimento cai em fim de semana ou feriado, vale o próximo dia útil.',
                  keywords: 'vencimento prazo data calendario final placa quando vence',
                },
                {
                  id: 'kb-ipva-isencao',
                  question: 'Quem tem direito à isenção do IPVA?',
                  answer:
                    'Têm direito, entre outros: pessoas com deficiência (veículo adaptado ou conduzido por representante), táxis, veículos com mais de 20 anos de fabricação e veículos de entidades assistenciais. O pedido é feito no portal, em "IPVA" > "Isenção", com laudo e documentos; a resposta sai em até 30 dias.',
                  keywords: 'isencao isento deficiencia pcd taxi veiculo antigo nao pagar',
                },
                {
                  id: 'kb-ipva-pago-nao-baixou',
                  question: 'Paguei o IPVA e ainda aparece como pendente. O que fazer?',
                  answer:
                    'A baixa do pagamento leva até 3 dias úteis. Se depois disso ainda constar pendente, envie o comprovante pelo atendimento informando RENAVAM, data e valor pagos; a equipe confere com o banco e corrige a situação.',
                  keywords: 'paguei pendente baixa comprovante nao consta debito aberto',
                },
                {
                  id: 'kb-ipva-atraso',
                  question: 'Quais são os juros e a multa pelo atraso do IPVA?',
                  answer:
                    'Há multa de 0,33% por dia de atraso, limitada a 20%, mais juros pela taxa Selic a partir do mês seguinte ao vencimento. A guia emitida no portal já sai com os valores atualizados para a data de pagamento.',
                  keywords: 'atraso atrasado multa juros selic vencido',
                },
              ],
            },
          ],
        },
        {
          id: 'kb-itcd',
          name: 'ITCD',
          categories: [
            {
              id: 'kb-itcd-protocolo',
              name: 'Protocolo de Processos',
              entries: [
                {
                  id: 'kb-itcd-o-que-e',
                  question: 'O que é o ITCD e quando ele é devido?',
                  answer:
                    'O ITCD (Imposto sobre Transmissão Causa Mortis e Doação) é devido na herança (inventário, judicial ou em cartório) e na doação de bens e direitos, como imóveis, veículos, dinheiro e ações. Quem paga é o herdeiro ou o donatário.',
                  keywords: 'itcd itcmd heranca inventario doacao transmissao causa mortis',
                },
                {
                  id: 'kb-itcd-abrir-processo',
                  question: 'Como protocolar a declaração do ITCD?',
                  answer:
                    'Preencha a Declaração de ITCD no portal da SEFAZ, em "ITCD" > "Nova declaração", anexe certidão de óbito ou escritura de doação, documentos dos herdeiros e a relação de bens com valores. Ao final o sistema gera o número do protocolo para acompanhar o processo.',
                  keywords: 'protocolar protocolo abrir processo declaracao documentos anexar',
                },
                {
                  id: 'kb-itcd-acompanhar',
                  question: 'Como acompanhar o andamento do meu processo de ITCD?',
                  answer:
                    'No portal, em "ITCD" > "Consultar processo", informe o número do protocolo e o CPF do declarante. Você vê a fase atual (análise, avaliação de bens, cálculo, pendência) e as mensagens do auditor.',
                  keywords: 'acompanhar andamento consultar situacao status processo protocolo',
                },
                {
                  id: 'kb-itcd-prazo',
                  question: 'Qual o prazo para pagar o ITCD?',
                  answer:
                    'Na herança, o imposto deve ser pago em até 180 dias da data do óbito; depois disso há multa e juros. Na doação, o pagamento é antes da lavratura da escritura ou do registro. A guia é emitida após a avaliação dos bens.',
                  keywords: 'prazo pagar pagamento dias obito vencimento guia',
                },
                {
                  id: 'kb-itcd-pendencia',
                  question: 'Meu processo de ITCD está com pendência. O que faço?',
                  answer:
                    'Abra o processo no portal e leia a mensagem do auditor: ela diz qual documento falta ou precisa ser corrigido. Anexe o documento pela opção "Responder pendência"; o prazo para responder é de 30 dias.',
                  keywords: 'pendencia pendente exigencia documento faltando corrigir auditor',
                },
              ],
            },
          ],
        },
        {
          id: 'kb-restituicao',
          name: 'Pagamentos e Restituição',
          categories: [
            {
              id: 'kb-restituicao-contestacao',
              name: 'Contestação de Débito',
              entries: [
                {
                  id: 'kb-restituicao-pedido',
                  question: 'Como pedir a restituição de um imposto pago em duplicidade?',
                  answer:
                    'Faça o pedido de restituição no portal, em "Pagamentos" > "Restituição", com o comprovante dos dois pagamentos e os dados bancários do titular. O valor é devolvido corrigido pela Selic, em até 60 dias após o deferimento.',
                  keywords: 'restituicao devolucao reembolso pago duas vezes duplicidade pagamento a maior',
                },
                {
                  id: 'kb-restituicao-contestar',
                  question: 'Como contestar um débito que não reconheço?',
                  answer:
                    'Abra uma contestação de débito no portal, em "Pagamentos" > "Contestação", indicando o débito, o motivo (já pago, valor incorreto, veículo vendido, etc.) e anexando os comprovantes. Enquanto a contestação é analisada, a cobrança desse débito fica suspensa.',
                  keywords: 'contestar contestacao debito indevido nao reconheco cobranca errada',
                },
                {
                  id: 'kb-restituicao-prazo',
                  question: 'Qual o prazo para pedir a restituição?',
                  answer:
                    'O pedido de restituição pode ser feito em até 5 anos contados da data do pagamento indevido.',
                  keywords: 'prazo restituicao anos prescricao quando pedir',
                },
                {
                  id: 'kb-restituicao-acompanhar',
                  question: 'Como acompanhar meu pedido de restituição ou contestação?',
                  answer:
                    'No portal, em "Pagamentos" > "Meus pedidos", informe o número do protocolo. Você recebe também um e-mail a cada mudança de situação (em análise, deferido, indeferido, pago).',
                  keywords: 'acompanhar consultar situacao pedido restituicao contestacao protocolo',
                },
                {
                  id: 'kb-restituicao-veiculo-vendido',
                  question: 'Vendi o veículo e continuo recebendo cobrança. O que fazer?',
                  answer:
                    'Se a transferência não foi feita no Detran, comunique a venda no portal, em "IPVA" > "Comunicado de venda", com o recibo de compra e venda assinado. Os débitos posteriores à data da venda passam ao comprador; conteste os já lançados pela contestação de débito.',
                  keywords: 'vendi vendido venda veiculo comprador transferencia cobranca comunicado',
                },
              ],
            },
          ],
        },
        {
          id: 'kb-geral',
          name: 'Atendimento Geral',
          categories: [
            {
              id: 'kb-geral-informacoes',
              name: 'Informações',
              entries: [
                {
                  id: 'kb-geral-horario',
                  question: 'Qual o horário de atendimento?',
                  answer:
                    'O atendimento humano funciona de segunda a sexta, das 8h às 18h, exceto feriados. O assistente virtual responde a qualquer hora, e fora do horário você pode deixar uma mensagem para ser respondida na abertura.',
                  keywords: 'horario funcionamento abre fecha expediente atendimento presencial',
                },
                {
                  id: 'kb-geral-certidao',
                  question: 'Como emitir a certidão negativa de débitos?',
                  answer:
                    'A certidão negativa de débitos estaduais é emitida na hora no portal da SEFAZ, em "Certidões" > "Certidão negativa", com o CPF ou CNPJ. Se houver pendência, o portal mostra quais débitos impedem a emissão.',
                  keywords: 'certidao negativa cnd debitos nada consta emitir',
                },
                {
                  id: 'kb-geral-agendamento',
                  question: 'Como agendar um atendimento presencial ou por vídeo?',
                  answer:
                    'No portal, em "Agendamento", escolha o serviço, a unidade (ou videoconferência), o dia e o horário disponíveis. Você recebe a confirmação por e-mail com os documentos a levar e pode remarcar ou cancelar pelo mesmo link.',
                  keywords: 'agendar agendamento marcar horario presencial video videoconferencia unidade',
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};
